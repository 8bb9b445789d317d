import type { RunningGateway } from '../../src/app';
import type { PicqerSandbox } from '../../src/sandbox/picqer';
import { gql, type GqlAnswer } from '../helpers/gql';
import { startStack } from '../helpers/stack';

export type { GqlAnswer } from '../helpers/gql';

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
  picqer: PicqerSandbox;
  gateway: RunningGateway;
  logs: LineCapture;
  audit: LineCapture;
  /** POSTs to /graphql with `token` (default TOKENS.customers; null: none) or a raw `authorization` header. */
  gql(query: string, opts?: { token?: string | null; variables?: Record<string, unknown>; authorization?: string }): Promise<GqlAnswer>;
  close(): Promise<void>;
}

/** A Picqer sandbox and a gateway with auth on, logging at trace into `logs`, auditing into `audit`. */
export async function startSecurityStack(env: Record<string, string> = {}): Promise<SecurityStack> {
  const logs = new LineCapture();
  const audit = new LineCapture();
  const stack = await startStack({
    env: { UPSTREAM_DEADLINE_MS: '3000', UPSTREAM_TIMEOUT_MS: '1000', GATEWAY_TOKENS: TOKEN_SPEC, ...env },
    log: { level: 'trace', destination: logs },
    start: { auditStream: audit },
  });
  return {
    picqer: stack.picqer,
    gateway: stack.gateway,
    logs,
    audit,
    gql(query, opts = {}) {
      const token = opts.token === undefined ? TOKENS.customers : (opts.token ?? undefined);
      return gql(stack.gateway, query, opts.variables, { token, authorization: opts.authorization });
    },
    close: () => stack.close(),
  };
}

/** Error codes of an answer, by dotted path ("orders.edges.0.node.email"). */
export function codesByPath(body: GqlAnswer['body']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of body.errors ?? []) out[(e.path ?? []).join('.')] = String(e.extensions?.code);
  return out;
}
