import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createGatewayRuntime, getGraphQLWSOptions, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import httpTransport from '@graphql-mesh/transport-http';
import wsTransport from '@graphql-mesh/transport-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

/**
 * A Hive Gateway (the Node runtime from npm) over a composed supergraph:
 * - queries and mutations go to the subgraphs over HTTP;
 * - subscriptions go to the subgraph that owns them over graphql-ws (the Picqer gateway serves
 *   `freeStockChanged` there), and reach the supergraph's clients over graphql-ws (or SSE);
 * - the caller's `Authorization` (the HTTP header, or `connectionParams.authorization` over
 *   graphql-ws) is forwarded to every subgraph, HTTP and graphql-ws alike: the Picqer gateway
 *   checks its own tokens on `_entities` as on its root fields.
 */

export interface HiveGateway {
  /** The supergraph's endpoint, e.g. http://127.0.0.1:4001/graphql (ws:// for graphql-ws). */
  url: string;
  close(): Promise<void>;
}

/** The caller's Authorization, from the HTTP request or the graphql-ws connection, as `context.authorization`. */
const forwardAuthorization: GatewayPlugin = {
  onContextBuilding({ context, extendContext }) {
    const c = context as { request?: Request; connectionParams?: Record<string, unknown> };
    const fromWs = c.connectionParams?.authorization ?? c.connectionParams?.Authorization;
    const authorization = c.request?.headers.get('authorization') ?? (typeof fromWs === 'string' ? fromWs : undefined);
    if (authorization) extendContext({ authorization } as never);
  },
};

/** Starts a Hive Gateway on `port` (0: any free port) over `supergraph` (SDL text). */
export async function startHiveGateway(opts: { supergraph: string; port?: number }): Promise<HiveGateway> {
  const runtime = createGatewayRuntime({
    supergraph: opts.supergraph,
    logging: 'error',
    landingPage: false,
    // Given explicitly rather than imported by kind at run time, so the example runs the same under ts-node and jest.
    transports: { http: httpTransport, ws: wsTransport },
    transportEntries: {
      '*.http': {
        headers: [['authorization', '{context.authorization}']],
        options: {
          // Subgraph subscriptions over graphql-ws at the subgraph's own URL (ws:// for http://).
          subscriptions: { kind: 'ws', options: { connectionParams: { authorization: '{context.authorization}' } } },
        },
      },
    },
    plugins: () => [forwardAuthorization],
  });
  // Load the supergraph now: a bad one fails the start, not the first request.
  await runtime.getSchema();
  // The runtime is a Node request listener that answers asynchronously; its errors become HTTP answers.
  const server = createServer((req, res) => void runtime(req, res));
  const wss = new WebSocketServer({ server, path: runtime.graphqlEndpoint });
  const ws = useServer(
    getGraphQLWSOptions<Record<string, unknown>, { request: IncomingMessage }>(runtime, (ctx) => ({
      req: ctx.extra.request,
      connectionParams: ctx.connectionParams,
    })),
    wss,
  );
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${runtime.graphqlEndpoint}`,
    async close() {
      await ws.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    },
  };
}

if (require.main === module) {
  const file = process.env.SUPERGRAPH ?? path.join(__dirname, 'supergraph.graphql');
  startHiveGateway({ supergraph: readFileSync(file, 'utf8'), port: Number(process.env.HIVE_PORT ?? 4001) })
    .then((g) => {
      process.stdout.write(`supergraph at ${g.url}\n`);
      process.once('SIGTERM', () => void g.close().then(() => process.exit(0)));
    })
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
