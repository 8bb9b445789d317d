import { GraphQLError } from 'graphql';
import { createExactLoaders } from '../../src/datasources/exact';
import { CallAccounting } from '../../src/datasources/upstream/accounting';
import { startExactSandbox, type ExactSandbox } from '../../src/sandbox/exact';
import { clientFor, control, exactCodes, stats } from './support/sandbox-client';

/**
 * Issue 20, items 5 and 6 (Exact): the sandbox as strict as Exact. `$top` queries are answered
 * `{"d":[…]}`; a key is blocked after more than 10 errors an hour on one endpoint; the token
 * endpoint takes 200 calls a day; JSON only for `Accept: application/json`; collection queries
 * need `$select` (or `$top`). And the gateway's client lives with all of it.
 */

let sb: ExactSandbox;
let now = Date.UTC(2026, 0, 15, 12, 0, 5);
const clock = (): number => now;

beforeAll(async () => {
  sb = await startExactSandbox({ products: 200, clock });
});
afterAll(async () => {
  await sb.close();
});
beforeEach(async () => {
  await control(sb, 'reset');
});

async function token(refresh: string): Promise<Response> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: sb.clientId, client_secret: sb.clientSecret, refresh_token: refresh });
  return fetch(`${sb.origin}/api/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
}

async function accessToken(): Promise<string> {
  now += 600_000; // clear of the 570 s cooldown of any earlier token
  const r = await token(sb.state.oauth.refreshToken!);
  return ((await r.json()) as { access_token: string }).access_token;
}

async function get(pathAndQuery: string, bearer: string | undefined, accept: string | null = 'application/json'): Promise<Response> {
  return fetch(`${sb.origin}/api/v1/${sb.division}/${pathAndQuery}`, {
    headers: { ...(accept === null ? {} : { accept }), ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
  });
}

describe('$top (item 5)', () => {
  it('answers a $top query as {"d":[…]}, without results or __next, as the official client reads it', async () => {
    const at = await accessToken();
    const code = exactCodes(sb)[3];
    // picqer/exact-php-client findId: $filter + $top=1 + $select of the key, read as d[0].
    const r = (await (await get(`logistics/Items?$filter=${encodeURIComponent(`Code eq '${code}'`)}&$top=1&$select=ID`, at)).json()) as any;
    expect(Array.isArray(r.d)).toBe(true);
    expect(r.d).toHaveLength(1);
    expect(r.d[0].ID).toBe(sb.state.sets[0].records[3].ID);
    const five = (await (await get('logistics/Items?$top=5&$select=Code', at)).json()) as any;
    expect(five.d.map((x: any) => x.Code)).toEqual(exactCodes(sb).slice(0, 5));
    // Without $top: the paged shape.
    const paged = (await (await get('logistics/Items?$select=Code', at)).json()) as any;
    expect(paged.d.results).toHaveLength(60);
    expect(paged.d.__next).toMatch(/\?\$select=Code&\$skiptoken=guid'[0-9a-f-]{36}'$/);
  });

  it('is read by the gateway client as one answer', async () => {
    const client = clientFor(sb, { clock });
    try {
      const rows = await client.list<{ Code: string }>('logistics/Items', { $top: 3, $select: 'Code' });
      expect(rows.map((r) => r.Code)).toEqual(exactCodes(sb).slice(0, 3));
    } finally {
      await client.close();
    }
  });
});

describe('errors per hour (item 6)', () => {
  it('blocks the key after more than 10 errors an hour on one endpoint, for an hour, then longer', async () => {
    const at = await accessToken();
    for (let i = 0; i < 10; i++)
      expect((await get(`logistics/Items(guid'00000000-0000-4000-8000-${String(i).padStart(12, '0')}')?$select=ID`, at)).status).toBe(404);
    // Ten errors are allowed; the key still works.
    expect((await get('logistics/Items?$top=1&$select=ID', at)).status).toBe(200);
    expect((await get(`logistics/Items(guid'00000000-0000-4000-8000-999999999999')`, at)).status).toBe(404);
    const blocked = await get('inventory/ItemWarehouses?$top=1&$select=ID', at);
    expect(blocked.status).toBe(429);
    expect(await blocked.json()).toMatchObject({ error: { message: { value: expect.stringMatching(/blocked/) } } });
    expect((await stats(sb)).blocked).toBe(1);
    now += 3_600_000;
    const later = await accessToken();
    expect((await get('logistics/Items?$top=1&$select=ID', later)).status).toBe(200);
    // Another 11 errors: blocked again, for two hours this time (UNCONFIRMED growth).
    for (let i = 0; i < 11; i++) await get(`logistics/Nope?$select=ID`, later);
    now += 3_600_000;
    expect((await get('logistics/Items?$top=1&$select=ID', await accessToken())).status).toBe(429);
  });

  it('counts per endpoint, and does not count calls it cannot put on the key (no or unknown token) nor 5xx', async () => {
    const at = await accessToken();
    for (let i = 0; i < 10; i++) await get(`logistics/Items(guid'00000000-0000-4000-8000-${String(i).padStart(12, '0')}')?$select=ID`, at);
    for (let i = 0; i < 10; i++) await get(`inventory/ItemWarehouses(guid'00000000-0000-4000-8000-${String(i).padStart(12, '0')}')?$select=ID`, at);
    for (let i = 0; i < 20; i++) expect((await get('logistics/Items?$top=1&$select=ID', i % 2 ? 'not-a-token' : undefined)).status).toBe(401);
    await control(sb, 'config', { faults: [{ status: 503, count: 20 }] });
    for (let i = 0; i < 20; i++) await get('logistics/Items?$top=1&$select=ID', at);
    expect((await get('logistics/Items?$top=1&$select=ID', at)).status).toBe(200);
  });

  it('counts 401s for a token it issued that has expired', async () => {
    const at = await accessToken();
    now += 600_000;
    for (let i = 0; i < 11; i++) expect((await get('logistics/Items?$top=1&$select=ID', at)).status).toBe(401);
    const fresh = await accessToken();
    expect((await get('logistics/Items?$top=1&$select=ID', fresh)).status).toBe(429);
  });

  it('makes the gateway client fail fast once blocked, without counting more errors', async () => {
    const at = await accessToken();
    for (let i = 0; i < 11; i++) await get(`logistics/Items(guid'00000000-0000-4000-8000-${String(i).padStart(12, '0')}')?$select=ID`, at);
    now += 600_000; // the client may take its own token
    const client = clientFor(sb, { clock, deadlineMs: 1000 });
    try {
      const err = await createExactLoaders(client, new CallAccounting())
        .itemByCode.load(exactCodes(sb)[0])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GraphQLError);
      expect((err as GraphQLError).extensions.code).toBe('RATE_LIMITED');
      expect((await stats(sb)).blocked).toBeGreaterThanOrEqual(1);
      // A refused call is no error Exact counts: the client's tries did not make the block longer.
      now += 3_600_000;
      expect((await get('logistics/Items?$top=1&$select=ID', await accessToken())).status).toBe(200);
    } finally {
      await client.close();
    }
  });

  it('sees no error from the gateway client in a normal run', async () => {
    const client = clientFor(sb, { clock });
    try {
      const codes = exactCodes(sb);
      const loaders = createExactLoaders(client, new CallAccounting());
      await Promise.all([...codes.slice(0, 150), 'NOT-IN-EXACT-1', "O'Brien"].map((c) => loaders.itemByCode.load(c)));
      const s = await stats(sb);
      expect(Object.keys(s.byStatus)).toEqual(['200']);
    } finally {
      await client.close();
    }
  });
});

describe('token calls per day (item 6)', () => {
  it('answers the 201st token call of a day with a refusal, and serves again the next day', async () => {
    for (let i = 0; i < 200; i++) expect((await token('a-dead-refresh-token')).status).toBe(400);
    const refused = await token(sb.state.oauth.refreshToken!);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'access_denied', error_description: expect.stringMatching(/200 token requests per day/) });
    now += 86_400_000;
    expect((await token(sb.state.oauth.refreshToken!)).status).toBe(200);
  });
});

describe('Accept and $select (item 6)', () => {
  it('answers Atom XML unless the call accepts application/json; the gateway client asks for JSON', async () => {
    const at = await accessToken();
    const xml = await get('logistics/Items?$top=2&$select=Code', at, null);
    expect(xml.status).toBe(200);
    expect(xml.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    const text = await xml.text();
    expect(text).toMatch(/^<\?xml/);
    expect(text).toContain(`<d:Code>${exactCodes(sb)[0]}</d:Code>`);
    expect((await get('logistics/Items?$top=2&$select=Code', at, '*/*')).headers.get('content-type')).toMatch(/atom/);
    expect((await get('logistics/Items?$top=2&$select=Code', at, 'application/json')).headers.get('content-type')).toMatch(/^application\/json/);
    await control(sb, 'config', { jsonWithoutAccept: true });
    expect((await get('logistics/Items?$top=2&$select=Code', at, null)).headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('refuses a collection query without $select or $top, as Exact does on some endpoints', async () => {
    const at = await accessToken();
    const r = await get('logistics/Items', at);
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ error: { message: { value: 'Please add a $select or a $top=1 statement to the query string.' } } });
    expect((await get('logistics/Items?$top=1', at)).status).toBe(200);
    await control(sb, 'config', { requireSelect: 'off' });
    expect((await get('logistics/Items', at)).status).toBe(200);
  });
});
