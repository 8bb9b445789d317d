import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { EXAMPLE_TABS, type ExampleTab } from './http/graphiql-examples';

/**
 * GraphiQL served from the project's own dependencies (@graphql-yoga/graphiql ships a
 * self-contained bundle with React and Monaco), so it works with no internet. Only the files
 * listed here are served; nothing else under node_modules is reachable.
 */
const DIST = path.dirname(require.resolve('@graphql-yoga/graphiql'));
const ASSETS: Record<string, string> = {
  'yoga-graphiql.es.js': 'text/javascript; charset=utf-8',
  'graphiql.css': 'text/css; charset=utf-8',
  'monacoeditorwork/editor.worker.bundle.js': 'text/javascript; charset=utf-8',
  'monacoeditorwork/graphql.worker..bundle.js': 'text/javascript; charset=utf-8',
  'monacoeditorwork/json.worker.bundle.js': 'text/javascript; charset=utf-8',
};

export interface GraphiqlOptions {
  /** The GraphQL endpoint, also used for graphql-ws subscriptions. */
  endpoint: string;
  /** Headers GraphiQL starts with (e.g. the sandbox's demo bearer token). */
  defaultHeaders?: Record<string, string>;
  defaultQuery?: string;
  /** The tabs GraphiQL opens with on a first visit. Default: EXAMPLE_TABS (http/graphiql-examples.ts). */
  tabs?: readonly ExampleTab[];
}

export function registerGraphiqlAssets(app: FastifyInstance): void {
  const cache = new Map<string, Buffer>();
  app.get('/graphiql/*', async (req, reply) => {
    const file = (req.params as { '*': string })['*'];
    const type = ASSETS[file];
    // The app's own 404 (http/error-replies.ts): GraphQL-shaped like every other error, naming the path only.
    if (!type) return reply.callNotFound();
    let body = cache.get(file);
    if (!body) {
      body = readFileSync(path.join(DIST, file));
      cache.set(file, body);
    }
    return reply.header('content-type', type).header('cache-control', 'public, max-age=86400').send(body);
  });
}

/** The GraphiQL page. Values are JSON-encoded into the page, never concatenated as HTML. */
export function graphiqlHtml(opts: GraphiqlOptions): string {
  const headers = opts.defaultHeaders ? JSON.stringify(opts.defaultHeaders, null, 2) : undefined;
  const config = {
    endpoint: opts.endpoint,
    subscriptionsProtocol: 'WS',
    title: 'Picqer Gateway',
    headers,
    query: opts.defaultQuery,
    // GraphiQL's own prop, passed through by Yoga's wrapper: used while the browser has no stored tabs.
    defaultTabs: (opts.tabs ?? EXAMPLE_TABS).map((t) => ({ query: t.query, variables: t.variables, headers })),
  };
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Picqer Gateway · GraphiQL</title>
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <link rel="stylesheet" href="/graphiql/graphiql.css" />
  <style>html, body, #root { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="root"></div>
  <script>
    self.MonacoEnvironment = {
      getWorkerUrl: function (_id, label) {
        if (label === 'json') return '/graphiql/monacoeditorwork/json.worker.bundle.js';
        if (label === 'graphql') return '/graphiql/monacoeditorwork/graphql.worker..bundle.js';
        return '/graphiql/monacoeditorwork/editor.worker.bundle.js';
      },
    };
  </script>
  <script type="module">
    import { renderYogaGraphiQL } from '/graphiql/yoga-graphiql.es.js';
    const config = ${json};
    config.endpoint = new URL(config.endpoint, location.href).toString();
    // graphql-ws carries no HTTP headers: send the Authorization header from GraphiQL's header
    // editor (persisted in localStorage) in the connection_init payload, read at each connect.
    config.connectionParams = () => {
      let headers = {};
      try { headers = JSON.parse(localStorage.getItem('graphiql:headers') || config.headers || '{}'); } catch (_) {}
      const key = Object.keys(headers).find((k) => k.toLowerCase() === 'authorization');
      return key ? { authorization: headers[key] } : {};
    };
    renderYogaGraphiQL(document.getElementById('root'), config);
  </script>
</body>
</html>`;
}

export const DEFAULT_QUERY = `# Welcome to Picqer Gateway. Try:
query Stock {
  products(first: 5) {
    edges {
      node {
        productcode
        name
        freeStock
        stock { warehouse { name } stock reserved freeStock }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`;
