import { request } from 'undici';
import { startGateway, type RunningGateway } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';

/** Tokens of the security tests: one per scope combination (invented, test-only). */
export const TOKENS = {
  stock: 'tok-stock-0123456789abcdef',
  orders: 'tok-orders-0123456789abcdef',
  customers: 'tok-customers-0123456789abcdef',
  writer: 'tok-writer-0123456789abcdef',
  ordersOnly: 'tok-ordersonly-0123456789abcdef',
} as const;

export const TOKEN_SPEC = [
  `stockreader:stock:read:${TOKENS.stock}`,
  `orderdesk:stock:read+orders:read:${TOKENS.orders}`,
  `privacy-ok:stock:read+orders:read+customers:read:${TOKENS.customers}`,
  `pusher:stock:write:${TOKENS.writer}`,
  `ordersonly:orders:read:${TOKENS.ordersOnly}`,
].join(',');

/** Collects every line written to it: the destination of the gateway's logger and audit log. */
export class LineCapture {
  readonly lines: string[] = [];
  write(chunk: string): boolean {
    for (const l of chunk.split('\n')) if (l) this.lines.push(l);
    return true;
  }
  records<T = Record<string, unknown>>(): T[] {
    return this.lines.map((l) => JSON.parse(l) as T);
  }
  text(): string {
    return this.lines.join('\n');
  }
}

export interface SecurityStack {
  sandbox: PicqerSandbox;
  gateway: RunningGateway;
  logs: LineCapture;
  audit: LineCapture;
  gql(query: string, opts?: { token?: string | null; variables?: Record<string, unknown>; authorization?: string }): Promise<GqlAnswer>;
  close(): Promise<void>;
}

export interface GqlAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: {
    data?: any;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
    extensions?: Record<string, any>;
  };
}

/** A Picqer sandbox and a gateway with auth on, logging at trace into `logs`, auditing into `audit`. */
export async function startSecurityStack(env: Record<string, string> = {}): Promise<SecurityStack> {
  const sandbox = await startPicqerSandbox({ products: 300, orders: 120 });
  const logs = new LineCapture();
  const audit = new LineCapture();
  let gateway: RunningGateway;
  try {
    const config = loadConfig({
      PORT: '0',
      LOG_LEVEL: 'trace',
      PICQER_SUBDOMAIN: 'sandbox',
      PICQER_API_KEY: sandbox.apiKey,
      PICQER_BASE_URL: sandbox.baseUrl,
      UPSTREAM_DEADLINE_MS: '3000',
      UPSTREAM_TIMEOUT_MS: '1000',
      PICQER_WARMUP_PAGES: '0',
      GATEWAY_TOKENS: TOKEN_SPEC,
      ...env,
    });
    gateway = await startGateway(config, createLogger('trace', logs), { auditStream: audit });
  } catch (err) {
    await sandbox.close();
    throw err;
  }
  return {
    sandbox,
    gateway,
    logs,
    audit,
    async gql(query, opts = {}) {
      const token = opts.token === undefined ? TOKENS.customers : opts.token;
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
      if (opts.authorization !== undefined) headers.authorization = opts.authorization;
      else if (token) headers.authorization = `Bearer ${token}`;
      const r = await request(`${gateway.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables: opts.variables }) });
      return { status: r.statusCode, headers: r.headers, body: (await r.body.json()) as GqlAnswer['body'] };
    },
    async close() {
      await gateway.close();
      await sandbox.close();
    },
  };
}

/** Error codes of an answer, by dotted path ("orders.edges.0.node.email"). */
export function codesByPath(body: GqlAnswer['body']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of body.errors ?? []) out[(e.path ?? []).join('.')] = String(e.extensions?.code);
  return out;
}
