import './tracing';
import 'reflect-metadata';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './logger';
import { startGateway } from './app';
import { startSandboxes } from './sandbox-mode';

/**
 * Process entry. Without Picqer credentials this is sandbox mode: the upstream emulators start
 * on free local ports, seeded with invented demo data, and the gateway talks to them.
 */
async function main(): Promise<void> {
  let config: Readonly<Config>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const sandboxes = config.sandbox ? await startSandboxes(config, logger) : undefined;
  const effective = sandboxes ? sandboxes.config : config;
  const running = await startGateway(effective, logger, { graphiqlHeaders: sandboxes?.graphiqlHeaders });
  sandboxes?.connect(running.url);

  const lines = [
    '',
    `Picqer Gateway ${sandboxes ? '(sandbox mode: invented demo data, no upstream credentials)' : ''}`,
    `  GraphiQL:  ${running.url}/graphql`,
    `  Health:    ${running.url}/healthz`,
    ...(sandboxes?.banner ?? []),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await running.close();
    await sandboxes?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
