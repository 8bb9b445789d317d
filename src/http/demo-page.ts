import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

/**
 * Sandbox mode's live-stock page at /demo: plain HTML, CSS and one hand-written ES module from
 * src/http/demo/, served by the gateway itself (offline, no CDN). The page uses the public API only,
 * with the demo token it is given here: the sandbox prints that token anyway and holds invented data.
 */

/** The files of the page, read from the source folder: `npm run build` compiles TypeScript only, and dist/ is run from the project root. */
const CANDIDATES = [path.join(__dirname, 'demo'), path.resolve(__dirname, '..', '..', '..', 'src', 'http', 'demo')];

const ASSETS: Record<string, string> = {
  'demo.js': 'text/javascript; charset=utf-8',
  'demo.css': 'text/css; charset=utf-8',
};

/**
 * What the page may load: only this origin (its script, its style, GraphQL over HTTP and WebSocket).
 * The one inline script is JSON (type="application/json"), which a CSP does not treat as script.
 */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; base-uri 'none'; form-action 'none'";

export interface DemoPageOptions {
  /** The GraphQL endpoint the page queries and subscribes to. Default '/graphql'. */
  endpoint?: string;
  /** The Authorization header the page sends (the sandbox's demo token), e.g. "Bearer pgw_demo_…". */
  authorization: string;
}

export function registerDemoPage(app: FastifyInstance, opts: DemoPageOptions): void {
  const dir = CANDIDATES.find((d) => existsSync(path.join(d, 'index.html')));
  if (!dir) throw new Error(`registerDemoPage: the page's files are missing; looked in ${CANDIDATES.join(' and ')}.`);
  // Values are JSON-encoded into the page, never concatenated as HTML ("<" escaped so no "</script>" can close the tag).
  const config = JSON.stringify({ endpoint: opts.endpoint ?? '/graphql', authorization: opts.authorization }).replace(/</g, '\\u003c');
  const page = readFileSync(path.join(dir, 'index.html'), 'utf8').replace('__DEMO_CONFIG__', config);
  const assets = new Map(Object.keys(ASSETS).map((f) => [f, readFileSync(path.join(dir, f))]));

  app.get('/demo', async (_req, reply) =>
    reply.header('content-type', 'text/html; charset=utf-8').header('content-security-policy', CSP).header('cache-control', 'no-store').send(page),
  );
  app.get('/demo/:file', async (req, reply) => {
    const file = (req.params as { file: string }).file;
    const body = assets.get(file);
    // The app's own 404 (http/error-replies.ts), naming the path only.
    if (!body) return reply.callNotFound();
    return reply.header('content-type', ASSETS[file]).header('cache-control', 'no-cache').send(body);
  });
}
