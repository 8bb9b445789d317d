import { createHmac } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import { connect } from 'node:net';
import { request } from 'undici';
import type { RunningGateway } from '../../src/app';
import type { ExactSandbox } from '../../src/sandbox/exact';
import type { PicqerSandbox } from '../../src/sandbox/picqer';
import type { ShopifySandbox } from '../../src/sandbox/shopify';
import { prng } from '../../src/sandbox/catalog';
import { startStack } from '../helpers/stack';
import { until } from '../helpers/until';
import { LineCapture, TOKENS, TOKEN_SPEC } from '../security/support';

/**
 * The abuse kit: what an attacker or a careless client sends, as named cases plus a seeded stream
 * of mutated queries, run one at a time against a real gateway in front of the three sandboxes.
 * Shared by test/abuse/abuse.test.ts (asserts) and `npm run bench -- abuse` (prints figures).
 *
 * For every case it records the HTTP status, how long the answer took, and how many upstream calls
 * the sandboxes served while it ran. A case "hangs" when no answer (or close) arrives within
 * `hangMs`. A refused request (status >= 400) must have cost no upstream call.
 */

export const WEBHOOK_SECRET = 'abuse-test-webhook-secret-0001';
/** How long the gateway waits for a request to arrive in full (REQUEST_TIMEOUT_MS) in the kit. */
export const KIT_REQUEST_TIMEOUT_MS = 2000;

export interface AbuseStack {
  picqer: PicqerSandbox;
  shopify: ShopifySandbox;
  exact: ExactSandbox;
  gateway: RunningGateway;
  logs: LineCapture;
  audit: LineCapture;
  /** Upstream requests the three sandboxes have counted so far (the sum of their `requests().total`). */
  upstreamCalls(): number;
  /** Upstream requests the gateway has sent and not yet seen finish. */
  upstreamInFlight(): number;
  close(): Promise<void>;
}

/** Three sandboxes and a gateway with auth, the audit log on, webhooks on, no per-token rate limit. */
export async function startAbuseStack(env: Record<string, string> = {}): Promise<AbuseStack> {
  const logs = new LineCapture();
  const audit = new LineCapture();
  const stack = await startStack({
    picqer: { products: 60, orders: 30 },
    shopify: true,
    exact: true,
    env: {
      PICQER_WEBHOOK_SECRET: WEBHOOK_SECRET,
      UPSTREAM_DEADLINE_MS: '3000',
      UPSTREAM_TIMEOUT_MS: '1000',
      GATEWAY_TOKENS: TOKEN_SPEC,
      // The fuzz sends thousands of requests from a few tokens: the per-token limit is tested elsewhere.
      RATE_LIMIT_PER_TOKEN_PER_MINUTE: '0',
      REQUEST_TIMEOUT_MS: String(KIT_REQUEST_TIMEOUT_MS),
      ...env,
    },
    log: { level: 'info', destination: logs },
    start: { auditStream: audit },
  });
  const { picqer, shopify, exact, gateway } = stack;
  const inFlight = trackRequestsTo([picqer.origin, shopify.origin, exact.origin]);
  return {
    picqer,
    shopify,
    exact,
    gateway,
    logs,
    audit,
    upstreamCalls: () => stack.upstreamRequests().total,
    upstreamInFlight: inFlight.count,
    async close() {
      inFlight.stop();
      await stack.close();
    },
  };
}

/**
 * Counts the undici requests this process has open to the given origins (the gateway's upstream
 * calls: it runs in this process), through undici's diagnostics channels.
 */
function trackRequestsTo(origins: string[]): { count: () => number; stop: () => void } {
  type Msg = { request: { origin?: string | URL } };
  const open = new WeakSet<object>();
  let n = 0;
  const isUpstream = (r: Msg['request']): boolean => origins.some((o) => String(r.origin ?? '').startsWith(o));
  const onCreate = (m: unknown): void => {
    const r = (m as Msg).request;
    if (!isUpstream(r)) return;
    open.add(r);
    n++;
  };
  const onDone = (m: unknown): void => {
    const r = (m as Msg).request;
    if (open.delete(r)) n--;
  };
  diagnostics.subscribe('undici:request:create', onCreate);
  diagnostics.subscribe('undici:request:trailers', onDone);
  diagnostics.subscribe('undici:request:error', onDone);
  return {
    count: () => n,
    stop() {
      diagnostics.unsubscribe('undici:request:create', onCreate);
      diagnostics.unsubscribe('undici:request:trailers', onDone);
      diagnostics.unsubscribe('undici:request:error', onDone);
    },
  };
}

/** One abusive request: how to send it. Resolves to the HTTP status (0: the server closed without answering). */
export interface AbuseCase {
  name: string;
  /** The case waits out REQUEST_TIMEOUT_MS by design (a body that never completes): not counted in maxMs. */
  waitsForTimeout?: boolean;
  /** What a GraphQL case sends (JSON), for checking that a seed reproduces its stream. */
  body?: string;
  send(url: string, signal: AbortSignal): Promise<number>;
}

export interface CaseResult {
  name: string;
  status: number;
  ms: number;
  hung: boolean;
  upstreamCalls: number;
}

export interface AbuseReport {
  cases: number;
  http5xx: number;
  hangs: number;
  maxMs: number;
  slowest: string;
  upstreamCallsOnRefusal: number;
  /** How many cases got each HTTP status (0: no answer before `hangMs`). */
  statuses: Record<number, number>;
  /** Lines the gateway logged at error level or above (a bug surfaced, or a crash averted). */
  errorLogs: number;
  /** Every case that went wrong, by name: a 5xx, a hang, or upstream calls on a refusal. */
  failures: CaseResult[];
}

/** Runs the cases one after another, each bounded by `hangMs`. */
export async function runAbuse(stack: AbuseStack, cases: readonly AbuseCase[], opts: { hangMs?: number } = {}): Promise<AbuseReport> {
  const hangMs = opts.hangMs ?? 10_000;
  const report: AbuseReport = { cases: 0, http5xx: 0, hangs: 0, maxMs: 0, slowest: '', upstreamCallsOnRefusal: 0, statuses: {}, errorLogs: 0, failures: [] };
  const logsBefore = stack.logs.lines.length;
  for (const c of cases) {
    // graphql-js answers as soon as an error nulls a parent, while sibling resolvers may still be
    // calling upstreams: let the previous case's calls finish so they are not counted against this one.
    await until(() => stack.upstreamInFlight() === 0, "the previous case's upstream calls to finish");
    const before = stack.upstreamCalls();
    const started = performance.now();
    const signal = AbortSignal.timeout(hangMs);
    let status: number;
    let hung = false;
    try {
      status = await c.send(stack.gateway.url, signal);
    } catch (err) {
      hung = signal.aborted;
      status = hung ? 0 : -1;
      if (!hung) throw new Error(`abuse case ${c.name} failed on the client side: ${(err as Error).message}`);
    }
    const ms = performance.now() - started;
    const r: CaseResult = { name: c.name, status, ms, hung, upstreamCalls: stack.upstreamCalls() - before };
    report.cases++;
    report.statuses[status] = (report.statuses[status] ?? 0) + 1;
    if (!c.waitsForTimeout && ms > report.maxMs) {
      report.maxMs = ms;
      report.slowest = c.name;
    }
    const refused = status >= 400 || status === 0;
    let bad = false;
    if (status >= 500) {
      report.http5xx++;
      bad = true;
    }
    if (hung) {
      report.hangs++;
      bad = true;
    }
    if (refused && r.upstreamCalls > 0) {
      report.upstreamCallsOnRefusal += r.upstreamCalls;
      bad = true;
    }
    if (bad) report.failures.push(r);
  }
  report.errorLogs = stack.logs.lines.slice(logsBefore).filter((l) => (JSON.parse(l) as { level?: number }).level! >= 50).length;
  return report;
}

// ---------------------------------------------------------------------------------------------
// Sending

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };

async function post(url: string, signal: AbortSignal, body: string | Buffer, headers: Record<string, string> = {}): Promise<number> {
  const r = await request(`${url}/graphql`, {
    method: 'POST',
    headers: { ...JSON_HEADERS, authorization: `Bearer ${TOKENS.customers}`, ...headers },
    body,
    signal,
  });
  await r.body.dump({ limit: 1 << 22 });
  return r.statusCode;
}

/** A GraphQL POST: the document, its variables and operation name as JSON. */
export function gqlCase(
  name: string,
  query: string,
  extra: { variables?: unknown; operationName?: unknown; token?: string; headers?: Record<string, string> } = {},
): AbuseCase {
  const { variables, operationName, token = TOKENS.customers, headers = {} } = extra;
  const body = JSON.stringify({ query, variables, operationName });
  return { name, body, send: (url, signal) => post(url, signal, body, { authorization: `Bearer ${token}`, ...headers }) };
}

function rawCase(name: string, body: string | Buffer, headers: Record<string, string> = {}): AbuseCase {
  return { name, send: (url, signal) => post(url, signal, body, headers) };
}

function webhookCase(name: string, body: string, sign: boolean | string = true): AbuseCase {
  return {
    name,
    async send(url, signal) {
      const signature = sign === true ? createHmac('sha256', WEBHOOK_SECRET).update(body).digest('base64') : sign || undefined;
      const r = await request(`${url}/webhooks/picqer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signature ? { 'x-picqer-signature': signature } : {}) },
        body,
        signal,
      });
      await r.body.dump();
      return r.statusCode;
    },
  };
}

/**
 * A request whose body stops short of its Content-Length. The gateway must drop it within
 * REQUEST_TIMEOUT_MS (an answer such as 408, or a close); waiting for the client is a hang.
 */
function shortBodyCase(): AbuseCase {
  return {
    name: 'body shorter than Content-Length',
    waitsForTimeout: true,
    send: (url, signal) =>
      new Promise<number>((resolve, reject) => {
        const { hostname, port } = new URL(url);
        const socket = connect({ host: hostname, port: Number(port) });
        let answer = '';
        const onAbort = (): void => {
          socket.destroy();
          reject(new Error('aborted'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        socket.on('connect', () => {
          socket.write(`POST /graphql HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":`);
        });
        socket.on('data', (d) => (answer += d.toString('latin1')));
        socket.on('error', () => undefined);
        socket.on('close', () => {
          signal.removeEventListener('abort', onAbort);
          const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
          // A close without an answer is a refusal too: report it as 408, what it amounts to.
          resolve(m ? Number(m[1]) : 408);
        });
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// The named cases

/** `fragment F0 { ...F1 ×width }` … `fragment F{n-1} { warehouses { name } }` `{ ...F0 }`. */
export function fragmentBomb(levels: number, width: number): string {
  const parts: string[] = [];
  for (let i = 0; i < levels - 1; i++) parts.push(`fragment F${i} on Query { ${Array.from({ length: width }, () => `...F${i + 1}`).join(' ')} }`);
  parts.push(`fragment F${levels - 1} on Query { warehouses { name } }`);
  parts.push('{ ...F0 }');
  return parts.join('\n');
}

/** The largest fragment bomb whose JSON body stays under `bytes`. */
function fragmentBombUpTo(bytes: number): string {
  let levels = 10;
  let width = 10;
  while (JSON.stringify({ query: fragmentBomb(levels + 1, width + 1) }).length < bytes) {
    levels++;
    width++;
  }
  return fragmentBomb(levels, width);
}

export function namedCases(bodyLimit: number): AbuseCase[] {
  const big = 'x'.repeat(100_000);
  const bodyFill = (n: number): string => 'y'.repeat(Math.max(0, n));
  return [
    gqlCase('fragment bomb 10x10 (819 bytes)', fragmentBomb(10, 10)),
    gqlCase('fragment bomb up to the body limit', fragmentBombUpTo(bodyLimit - 64)),
    gqlCase('fragment cycle', 'fragment A on Query { ...B } fragment B on Query { ...A } { ...A }'),
    gqlCase('5,000 aliases', `{ ${Array.from({ length: 5000 }, (_, i) => `a${i}: warehouses { name }`).join(' ')} }`),
    gqlCase('5,000 directives', `{ warehouses ${'@include(if: true) '.repeat(5000)} { name } }`),
    gqlCase('5,000 __typename', `{ ${'__typename '.repeat(5000)} }`),
    gqlCase('20,000 nested braces', `${'{ a '.repeat(20_000)}${'}'.repeat(20_000)}`),
    gqlCase('10,000 nested inline fragments', `{ ${'... on Query { '.repeat(10_000)}warehouses { name }${' }'.repeat(10_000)} }`),
    gqlCase('100,000 tokens', `{ warehouses { ${'name '.repeat(100_000)} } }`),
    gqlCase('deep selection', '{ orders(first: 50) { edges { node { lines { product { stock { warehouse { name } } shopify { sku } exact { code } } } } } } }'),
    gqlCase('100 KB search', 'query($s: String) { products(search: $s) { edges { node { id } } } }', { variables: { s: big } }),
    gqlCase('100 KB search literal', `{ products(search: "${big}") { edges { node { id } } } }`),
    gqlCase('100 KB productcode', 'query($c: String) { product(productcode: $c) { id } }', { variables: { c: big } }),
    gqlCase('100 KB orderid', 'query($c: String) { order(orderid: $c) { id } }', { variables: { c: big } }),
    gqlCase('100 KB picklistid', 'query($c: String) { picklist(picklistid: $c) { id } }', { variables: { c: big } }),
    gqlCase('10,000 productcodes', 'query($c: [String!]!) { stockDrift(productcodes: $c) { productcode } }', {
      variables: { c: Array.from({ length: 10_000 }, (_, i) => `P${i}`) },
      token: TOKENS.customers,
    }),
    gqlCase('first 2^31 in a variable', 'query($f: Int) { products(first: $f) { edges { node { id } } } }', { variables: { f: 2147483648 } }),
    gqlCase('first 1e308 literal', '{ products(first: 1e308) { edges { node { id } } } }'),
    gqlCase('first -1', '{ products(first: -1) { edges { node { id } } } }'),
    gqlCase('first 1,000,000', '{ products(first: 1000000) { edges { node { id } } } }'),
    gqlCase('after 100 KB', '{ products(after: "' + big + '") { edges { node { id } } } }'),
    gqlCase('operationName matches nothing', 'query A { warehouses { name } }', { operationName: 'B' }),
    gqlCase('operationName empty', 'query A { warehouses { name } }', { operationName: '' }),
    gqlCase('operationName not a string', 'query A { warehouses { name } }', { operationName: 5 }),
    gqlCase('two operations, no name', 'query A { warehouses { name } } query B { warehouses { name } }'),
    gqlCase('subscription over POST', 'subscription { freeStockChanged { productcode } }'),
    gqlCase('mutation with Accept: text/html', 'mutation { syncFreeStockToShopify(productcodes: ["P0001"]) { productcode } }', {
      token: TOKENS.writer,
      headers: { accept: 'text/html' },
    }),
    gqlCase('personal data with stock:read', '{ orders(first: 1) { edges { node { email } } } }', { token: TOKENS.stock }),
    gqlCase('unknown field (schema probing)', '{ warehouse { name } }'),
    gqlCase('variables not an object', '{ warehouses { name } }', { variables: 'x' }),
    gqlCase('variable of the wrong type', 'query($f: Int) { products(first: $f) { edges { node { id } } } }', { variables: { f: 'many' } }),
    gqlCase('bare token', '{ warehouses { name } }', { headers: { authorization: TOKENS.customers } }),
    gqlCase('unknown token', '{ warehouses { name } }', { token: 'not-a-token' }),
    gqlCase('10 KB bearer', '{ warehouses { name } }', { token: big.slice(0, 10_000) }),
    rawCase('bad JSON', '{"query": "{ warehouses { name } }"'),
    rawCase('JSON array (batch)', '[{"query":"{ warehouses { name } }"}]'),
    rawCase('JSON number', '5'),
    rawCase('JSON null', 'null'),
    rawCase('query not a string', '{"query": 5}'),
    rawCase('no query', '{}'),
    rawCase('empty body', ''),
    rawCase('text/plain body', '{ warehouses { name } }', { 'content-type': 'text/plain' }),
    rawCase('form body', 'query=%7Bwarehouses%7Bname%7D%7D', { 'content-type': 'application/x-www-form-urlencoded' }),
    rawCase('body over the limit', JSON.stringify({ query: `{ warehouses { name } } # ${bodyFill(bodyLimit)}` })),
    rawCase('deeply nested JSON', `${'['.repeat(100_000)}${']'.repeat(100_000)}`),
    rawCase('JSON __proto__', '{"query":"{ warehouses { name } }","variables":{"__proto__":{"polluted":true}}}'),
    shortBodyCase(),
    webhookCase('webhook unsigned', '{"event":"products.free_stock_changed"}', false),
    webhookCase('webhook bad signature', '{"event":"products.free_stock_changed"}', 'AAAA'),
    webhookCase('webhook freestock 1e308', picqerStockDelivery(1e308)),
    webhookCase('webhook freestock -5', picqerStockDelivery(-5)),
    webhookCase('webhook freestock "7"', picqerStockDelivery('7')),
    webhookCase('webhook signed bad JSON', '{"event": '),
    webhookCase('webhook signed empty object', '{}'),
    webhookCase('webhook 100 KB productcode', picqerStockDelivery(3, big)),
  ];
}

/** A signed-shape Picqer `products.free_stock_changed` delivery with the given numbers. */
function picqerStockDelivery(freestock: unknown, productcode = 'P0001'): string {
  return JSON.stringify({
    idhook: 1,
    name: 'abuse',
    event: 'products.free_stock_changed',
    event_triggered_at: '2026-12-02 10:00:00',
    data: { idproduct: 1, productcode, name: 'Invented', stock: [{ idwarehouse: 1, stock: 10, reserved: 0, freestock }], freestock },
  });
}

// ---------------------------------------------------------------------------------------------
// The mutated queries

/** Valid operations the mutations start from: every root field, fragments, variables, a mutation. */
const SEEDS: Array<{ query: string; variables?: Record<string, unknown> }> = [
  {
    query:
      'query P($first: Int!, $after: String) { products(first: $first, after: $after) { edges { cursor node { id idproduct productcode name freeStock stock { warehouse { idwarehouse name } stock reserved freeStock } } } pageInfo { hasNextPage endCursor } totalCount } }',
    variables: { first: 5 },
  },
  {
    query: 'query C($productcode: String!) { product(productcode: $productcode) { id name freeStock shopify { sku } exact { code stock } } }',
    variables: { productcode: 'P0001' },
  },
  {
    query:
      'query O($first: Int!) { orders(first: $first, status: processing) { edges { node { idorder orderid status email deliveryAddress { name city } lines { productcode amount product { freeStock } } } } } }',
    variables: { first: 3 },
  },
  { query: 'query { picklists(first: 3) { edges { node { idpicklist status warehouse { name } order { orderid } lines { productcode amountPicked } } } } }' },
  { query: 'fragment W on Warehouse { idwarehouse name } query { warehouses { ...W } a: warehouses { ...W } }' },
  { query: 'query($c: [String!]!) { stockDrift(productcodes: $c) { productcode } shopifyLocations { id name } }', variables: { c: ['P0001', 'P0002'] } },
  { query: 'mutation S($c: [String!]!) { syncFreeStockToShopify(productcodes: $c) { productcode } }', variables: { c: ['P0003'] } },
  { query: 'query { order(orderid: "O-1") { id email } picklist(picklistid: "PL-1") { id } product(id: "1") { id } }' },
];

const TOKENS_POOL = [TOKENS.stock, TOKENS.orders, TOKENS.customers, TOKENS.writer, TOKENS.ordersOnly];
const SNIPPETS = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ':',
  '$',
  '!',
  '@',
  '...',
  '...F',
  'fragment F on Query { warehouses { name } }',
  '@include(if: $x)',
  '@skip(if: true)',
  '__typename',
  '__schema { types { name } }',
  'on',
  'query',
  'mutation',
  'subscription',
  '"',
  '""',
  '"""',
  '#',
  '\\u0000',
  '0',
  '-1',
  '2147483648',
  '1e308',
  'NaN',
  'null',
  'true',
  'first: 100000',
  'email',
  'orders',
  'products',
  'product(productcode: "")',
  'x'.repeat(5000),
  '\u{1F600}',
  '\uD800',
];
const VALUES: unknown[] = [null, 0, -1, 2147483648, 1e308, '', 'x'.repeat(5000), [], {}, [null], true, '\uD800', { __proto__: null }];

/** `n` mutated operations from a seeded generator: mangled documents, odd variables and names. */
export function mutatedCases(n: number, seed: number): AbuseCase[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const out: AbuseCase[] = [];
  for (let i = 0; i < n; i++) {
    const base = pick(SEEDS);
    let q = base.query;
    // A third keep the document and vary only variables, names and tokens, so that many cases get
    // past the parser and reach validation, the limits and execution; the rest are mangled.
    const steps = rnd() < 0.33 ? 0 : 1 + Math.floor(rnd() * 2);
    for (let s = 0; s < steps; s++) q = mutate(q, rnd, pick);
    let variables: unknown = base.variables;
    if (steps === 0 || rnd() < 0.3) {
      const v: Record<string, unknown> = { ...(base.variables ?? {}) };
      v[pick(['first', 'after', 'productcode', 'c', 'x'])] = pick(VALUES);
      variables = v;
    }
    const operationName = rnd() < 0.1 ? pick(['', 'Nope', 'P', 'S', 5, null]) : undefined;
    out.push(gqlCase(`mutated #${i}`, q, { variables, operationName, token: pick(TOKENS_POOL) }));
  }
  return out;
}

function mutate(q: string, rnd: () => number, pick: <T>(xs: readonly T[]) => T): string {
  const at = Math.floor(rnd() * (q.length + 1));
  const len = 1 + Math.floor(rnd() * 12);
  switch (Math.floor(rnd() * 8)) {
    case 0: // delete a run
      return q.slice(0, at) + q.slice(at + len);
    case 1: // insert a token or snippet
      return `${q.slice(0, at)} ${pick(SNIPPETS)} ${q.slice(at)}`;
    case 2: // duplicate a run
      return q.slice(0, at + len) + q.slice(at, at + len) + q.slice(at + len);
    case 3: // swap a number for an extreme one
      return q.replace(/\b\d+\b/, () => String(pick([0, -1, 2147483648, 1e21, 99999])));
    case 4: // repeat a selection many times
      return q.replace(/\{ /, () => `{ ${'__typename '.repeat(1 + Math.floor(rnd() * 200))}`);
    case 5: // alias a field many times
      return q.replace(/\{ (\w+)/, (_m, f: string) => `{ ${Array.from({ length: 1 + Math.floor(rnd() * 80) }, (_, i) => `a${i}: ${f}`).join(' ')} ${f}`);
    case 6: // a field moved into another selection (valid syntax, often invalid for the schema)
      return q.replace(
        /\{ (\w+)/,
        (_m, f: string) =>
          `{ ${pick(['email', 'orders { edges { node { email } } }', 'stock { freeStock }', 'warehouses { name }', 'shopify { sku }', 'product(id: "1") { id }'])} ${f}`,
      );
    default: // truncate
      return q.slice(0, at);
  }
}
