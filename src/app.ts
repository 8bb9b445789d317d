import type { Config } from './config';
import type { Logger } from './logger';
import { getSchema } from './schema/build';
import { buildGateway, type Gateway } from './server';
import { closeServices, createServices, LOADER_FACTORIES } from './services';
import type { Services } from './context';
import { createSecurity } from './security';

export interface RunningGateway {
  url: string;
  gateway: Gateway;
  services: Services;
  close(): Promise<void>;
}

export interface StartOptions {
  graphiqlHeaders?: Record<string, string>;
  /** Audit records go here instead of AUDIT_LOG (tests). */
  auditStream?: import('pino').DestinationStream;
}

/** Wires config -> services -> schema -> HTTP server and starts listening. Used by main.ts and tests. */
export async function startGateway(config: Readonly<Config>, logger: Logger, opts: StartOptions = {}): Promise<RunningGateway> {
  const services = createServices(config, logger);
  const schema = await getSchema();
  // services.security.authenticateConnection is what the graphql-ws context callback calls.
  const security = createSecurity(config, { auditStream: opts.auditStream });
  services.auth = security.authenticator;
  services.security = security;
  const gateway = await buildGateway({
    services,
    schema,
    graphiqlHeaders: opts.graphiqlHeaders,
    loaderFactories: LOADER_FACTORIES,
    authenticate: security.authenticate,
    apolloPlugins: security.apolloPlugins,
  });
  const url = await gateway.listen(config.port, config.host);
  return {
    url,
    gateway,
    services,
    async close() {
      await gateway.close();
      await security.close();
      await closeServices(services);
    },
  };
}
