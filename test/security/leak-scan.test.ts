import { request } from 'undici';
import { startSecurityStack, TOKENS, type SecurityStack } from './support';

/**
 * Nothing leaked: drives queries with and without scopes, bad tokens, a failing and a hanging
 * upstream, over-limit queries; captures every log line (trace level) and audit record and every
 * error message; then scans them for the seeded customers' personal data and for secrets.
 */
let stack: SecurityStack;
const errorTexts: string[] = [];
/**
 * Answers to requests that themselves carried a personal value (as an argument or variable).
 * An error may echo the caller's own input back to that caller (BAD_USER_INPUT names the bad
 * value); that is not a leak to anyone else, so these are scanned for secrets only.
 */
const echoTexts: string[] = [];

beforeAll(async () => {
  stack = await startSecurityStack({ MAX_QUERY_COST: '30' });
  const s = stack.picqer.state;
  const ids = s.store.orders.slice(0, 5).map((o) => o.idorder);
  const full = `{ orders(first: 20) { edges { node { id orderid reference email phone deliveryAddress { name contactName street street2 zipcode city country } invoiceAddress { name street zipcode city } } } } }`;
  const run = async (query: string, opts: Parameters<SecurityStack['gql']>[1] = {}, sink = errorTexts): Promise<void> => {
    const r = await stack.gql(query, opts);
    for (const e of r.body.errors ?? []) sink.push(JSON.stringify(e));
  };
  for (const token of [TOKENS.customers, TOKENS.orders, TOKENS.stock, TOKENS.writer]) await run(full, { token });
  await run(`{ order(id: "${ids[0]}") { email deliveryAddress { name } } }`);
  await run(full, { token: null });
  await run(full, { authorization: 'Bearer tok-wrong-0123456789abcdef' });
  await run(full, { authorization: `Basic ${Buffer.from(`user:${TOKENS.customers}`).toString('base64')}` });
  // A personal value as a variable and as an argument: must not be logged either.
  const o = s.store.orders[1];
  await run(`query Find($ref: String) { order(orderid: $ref) { id } }`, { variables: { ref: o.emailaddress ?? 'x' } }, echoTexts);
  await run(`{ order(orderid: ${JSON.stringify(o.deliveryname)}) { id } }`, {}, echoTexts);
  await run(`{ order(id: ${JSON.stringify(o.deliveryname)}) { id } }`, {}, echoTexts);
  // Failing upstream: 500s, then a hang past the timeout.
  s.setFaults({ status: 500, count: 20 });
  await run(`{ order(id: "${ids[1]}") { email } orders(first: 5) { edges { node { email } } } }`);
  s.setFaults({ status: 422, count: 5 });
  await run(`{ order(id: "${ids[2]}") { phone } }`);
  s.setFaults({ timeoutMs: 1500, count: 3, path: `/api/v1/orders/${ids[3]}` });
  await run(`{ order(id: "${ids[3]}") { phone } }`);
  s.setFaults({});
  // Over the limits.
  await run(`{ picklists(first: 500) { edges { node { order { email } } } } }`);
  // A GET with the query in the URL.
  const g = await request(`${stack.gateway.url}/graphql?query=${encodeURIComponent(`{ order(orderid: ${JSON.stringify(o.invoicename)}) { id } }`)}`, {
    headers: { authorization: `Bearer ${TOKENS.customers}`, accept: 'application/json' },
  });
  echoTexts.push(await g.body.text());
  // A wrong path with personal data in its query string: the 404 must not log the URL.
  const lost = await request(
    `${stack.gateway.url}/graphql/?query=${encodeURIComponent(`{ order(orderid: ${JSON.stringify(o.emailaddress ?? o.invoicename)}) { id } }`)}`,
    {
      headers: { authorization: `Bearer ${TOKENS.customers}`, accept: 'application/json' },
    },
  );
  expect(lost.statusCode).toBe(404);
  expect(await lost.body.text()).not.toContain(String(o.emailaddress ?? o.invoicename));
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

/** Every personal value the sandbox holds about customers, long enough to be meaningful. */
function personalValues(): string[] {
  const { orders, customers } = stack.picqer.state.store;
  const vals = new Set<string>();
  const add = (v: unknown): void => {
    if (typeof v === 'string' && v.trim().length >= 6) vals.add(v.trim());
  };
  for (const o of orders) {
    for (const k of [
      'deliveryname',
      'deliverycontactname',
      'deliveryaddress',
      'deliveryaddress2',
      'deliveryzipcode',
      'invoicename',
      'invoiceaddress',
      'invoicezipcode',
      'emailaddress',
      'telephone',
    ] as const)
      add(o[k]);
  }
  for (const c of customers as unknown as Array<Record<string, unknown>>) {
    for (const k of ['name', 'contactname', 'emailaddress', 'telephone']) add(c[k]);
  }
  return [...vals];
}

describe('nothing leaked', () => {
  it('captured a real amount of traffic to scan', () => {
    expect(stack.logs.lines.length).toBeGreaterThan(20);
    expect(stack.audit.lines.length).toBeGreaterThanOrEqual(3);
    expect(errorTexts.length).toBeGreaterThan(10);
    expect(personalValues().length).toBeGreaterThan(100);
  });

  it('logs, audit records and error messages carry no customer personal data', () => {
    // URLs in a log line are percent-encoded: scan the decoded text too.
    const decoded = (t: string) =>
      t.replace(/(%[0-9A-Fa-f]{2})+/g, (m) => {
        try {
          return decodeURIComponent(m);
        } catch {
          return m;
        }
      });
    const haystacks = { logs: stack.logs.text(), logsDecoded: decoded(stack.logs.text()), audit: stack.audit.text(), errors: errorTexts.join('\n') };
    const found: string[] = [];
    for (const v of personalValues()) {
      for (const [where, text] of Object.entries(haystacks)) if (text.includes(v)) found.push(`${where}: ${v.slice(0, 3)}…`);
    }
    expect(found).toEqual([]);
  });

  it('logs, audit records and error messages carry no token and no upstream key', () => {
    const secrets = [...Object.values(TOKENS), 'tok-wrong-0123456789abcdef', stack.picqer.apiKey, Buffer.from(`${stack.picqer.apiKey}:`).toString('base64')];
    const text = [stack.logs.text(), stack.audit.text(), errorTexts.join('\n'), echoTexts.join('\n')].join('\n');
    expect(secrets.filter((s) => text.includes(s))).toEqual([]);
  });

  it('upstream failures surface as codes and statuses, not bodies', () => {
    const upstream = errorTexts.filter((t) => t.includes('UPSTREAM_'));
    expect(upstream.length).toBeGreaterThan(0);
    expect(upstream.join('\n')).not.toMatch(/Injected fault|error_message|error_code/);
  });
});
