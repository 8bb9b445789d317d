import { startExactSandbox, type ExactSandbox } from '../../src/sandbox/exact';

/** The Exact emulator on its own, over real HTTP: the behaviour the client relies on. */

let sb: ExactSandbox;
// A pinned clock: a calendar minute cannot roll over in the middle of a limit test.
let now = Date.UTC(2026, 0, 15, 10, 0, 5);

beforeAll(async () => {
  sb = await startExactSandbox({ products: 300, clock: () => now });
});
afterAll(async () => {
  await sb.close();
});
beforeEach(async () => {
  await post('/__sandbox/reset', {});
});

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${sb.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function token(refresh: string): Promise<Response> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: sb.clientId, client_secret: sb.clientSecret, refresh_token: refresh });
  return fetch(`${sb.origin}/api/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
}

async function accessToken(): Promise<string> {
  const r = await token(sb.state.oauth.refreshToken!);
  return ((await r.json()) as { access_token: string }).access_token;
}

async function get(pathAndQuery: string, bearer?: string): Promise<Response> {
  return fetch(`${sb.origin}/api/v1/${sb.division}/${pathAndQuery}`, {
    headers: { accept: 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
  });
}

type Page = { d: { results: Array<Record<string, unknown>>; __next?: string } };
type TopAnswer = { d: Array<Record<string, unknown>> };

describe('Exact sandbox', () => {
  it('rotates refresh tokens: the old one is invalid after use', async () => {
    const first = await token(sb.refreshToken);
    expect(first.status).toBe(200);
    const body = (await first.json()) as Record<string, string>;
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: '600' });
    expect(body.refresh_token).not.toBe(sb.refreshToken);
    await post('/__sandbox/tokens/expire', {});
    const reuse = await token(sb.refreshToken);
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await token(body.refresh_token)).status).toBe(200);
  });

  it('refuses a new token within 570 s of the previous one', async () => {
    const first = (await (await token(sb.refreshToken)).json()) as Record<string, string>;
    const early = await token(first.refresh_token);
    expect(early.status).toBe(400);
    expect(early.headers.get('reason')).toBe('TooEarlyToRefreshTokens');
  });

  it('answers 401 without a valid bearer token and after expiry', async () => {
    expect((await get('logistics/Items?$top=1')).status).toBe(401);
    const at = await accessToken();
    expect((await get('logistics/Items?$top=1', at)).status).toBe(200);
    await post('/__sandbox/tokens/expire', {});
    expect((await get('logistics/Items?$top=1', at)).status).toBe(401);
  });

  it('filters items by Code with or, selects fields, and wraps in d.results', async () => {
    const at = await accessToken();
    const all = (await (await get('logistics/Items?$select=Code&$top=5', at)).json()) as TopAnswer;
    const codes = all.d.map((r) => r.Code as string);
    const filter = codes
      .slice(0, 3)
      .map((c) => `Code eq '${c}'`)
      .join(' or ');
    const r = await get(`logistics/Items?$filter=${encodeURIComponent(filter)}&$select=ID,Code,CostPriceStandard,Stock`, at);
    const page = (await r.json()) as Page;
    expect(page.d.results.map((x) => x.Code)).toEqual(codes.slice(0, 3));
    expect(Object.keys(page.d.results[0]).sort()).toEqual(['Code', 'CostPriceStandard', 'ID', 'Stock', '__metadata']);
    const id = page.d.results[0].ID as string;
    const byId = (await (await get(`logistics/Items?$filter=${encodeURIComponent(`ID eq guid'${id}'`)}&$select=Code`, at)).json()) as Page;
    expect(byId.d.results).toHaveLength(1);
    const single = (await (await get(`logistics/Items(guid'${id}')`, at)).json()) as { d: Record<string, unknown> };
    expect(single.d.Code).toBe(codes[0]);
    expect((await get(`logistics/Items?$filter=${encodeURIComponent("Nope eq 'x'")}&$select=Code`, at)).status).toBe(400);
  });

  it('pages 60 rows at a time through d.__next until it is absent', async () => {
    const at = await accessToken();
    const seen: string[] = [];
    let url: string | undefined = `${sb.origin}/api/v1/${sb.division}/logistics/Items?$select=Code`;
    let pages = 0;
    while (url) {
      const page = (await (await fetch(url, { headers: { accept: 'application/json', authorization: `Bearer ${at}` } })).json()) as Page;
      expect(page.d.results.length).toBeLessThanOrEqual(60);
      seen.push(...page.d.results.map((r) => r.Code as string));
      url = page.d.__next;
      pages++;
    }
    const expected = sb.state.sets[0].records.length;
    expect(seen).toHaveLength(expected);
    expect(new Set(seen).size).toBe(expected);
    expect(pages).toBe(Math.ceil(expected / 60));
  });

  it('answers 429 past the per-minute limit with minutely headers only, until the minute boundary', async () => {
    await post('/__sandbox/config', { minutelyLimit: 3 });
    const at = await accessToken();
    const ok = await get('logistics/Items?$top=1', at);
    expect(ok.headers.get('x-ratelimit-minutely-remaining')).toBe('2');
    expect(ok.headers.get('x-ratelimit-remaining')).toBe('4999');
    await get('logistics/Items?$top=1', at);
    await get('logistics/Items?$top=1', at);
    const refused = await get('logistics/Items?$top=1', at);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ratelimit-minutely-remaining')).toBe('0');
    expect(Number(refused.headers.get('x-ratelimit-minutely-reset'))).toBe(Date.UTC(2026, 0, 15, 10, 1, 0));
    expect(refused.headers.get('x-ratelimit-remaining')).toBeNull();
    const stats = (await (await fetch(`${sb.origin}/__sandbox/stats`)).json()) as { served429: number; total: number };
    expect(stats).toMatchObject({ served429: 1, total: 4 });
    now += 60_000;
    expect((await get('logistics/Items?$top=1', at)).status).toBe(200);
  });

  it('refuses a URL longer than 6,000 characters', async () => {
    const at = await accessToken();
    const filter = Array.from({ length: 300 }, (_, i) => `Code eq 'PG-${String(i).padStart(5, '0')}'`).join(' or ');
    expect((await get(`logistics/Items?$filter=${encodeURIComponent(filter)}&$select=Code`, at)).status).toBe(414);
  });

  it('fails scripted faults, then serves again', async () => {
    await post('/__sandbox/config', { faults: [{ status: 503, count: 1, path: 'Items' }] });
    const at = await accessToken();
    expect((await get('logistics/Items?$top=1', at)).status).toBe(503);
    expect((await get('logistics/Items?$top=1', at)).status).toBe(200);
  });
});
