import { request } from 'undici';
import { startStack, type TestStack } from '../helpers/stack';

/** GraphQL over HTTP: methods, media types and status codes; GraphiQL for browsers. */
let stack: TestStack;
let url: string;
beforeAll(async () => {
  stack = await startStack();
  url = `${stack.gateway.url}/graphql`;
});
afterAll(async () => {
  await stack?.close();
});

describe('GraphQL over HTTP', () => {
  it('answers a GET query with application/graphql-response+json when asked', async () => {
    const r = await request(`${url}?query=${encodeURIComponent('{ warehouses { name } }')}`, {
      headers: { accept: 'application/graphql-response+json' },
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/application\/graphql-response\+json/);
    const body = (await r.body.json()) as any;
    expect(body.data.warehouses.length).toBeGreaterThan(0);
  });

  it('answers POST with application/json by default', async () => {
    const r = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ warehouses { name } }' }),
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/application\/json/);
    await r.body.dump();
  });

  it('refuses a mutation over GET with 405', async () => {
    const r = await request(`${url}?query=${encodeURIComponent('mutation { __typename }')}`, { headers: { accept: 'application/json' } });
    expect(r.statusCode).toBe(405);
    await r.body.dump();
  });

  it.each([
    ['malformed JSON', '{"query": ', 'application/json'],
    ['no query', '{"variables": {}}', 'application/json'],
    ['a syntax error', JSON.stringify({ query: '{ products(' }), 'application/json'],
    ['an unknown field', JSON.stringify({ query: '{ nope }' }), 'application/json'],
    [
      'variables of the wrong type',
      JSON.stringify({ query: 'query($n: Int!) { products(first: $n) { pageInfo { hasNextPage } } }', variables: { n: 'ten' } }),
      'application/json',
    ],
  ])('answers %s with a 4xx, never a 500', async (_name, body, type) => {
    const r = await request(url, { method: 'POST', headers: { 'content-type': type, accept: 'application/graphql-response+json' }, body });
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(r.statusCode).toBeLessThan(500);
    await r.body.dump();
  });

  it('names the variable that failed coercion', async () => {
    const { status, body } = await stack.gql('query($n: Int!) { products(first: $n) { pageInfo { hasNextPage } } }', { n: 'ten' });
    expect(status).toBe(400);
    expect(body.errors?.[0].message).toMatch(/\$n/);
  });

  it('answers an unsupported media type with 415', async () => {
    const r = await request(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{ warehouses { name } }' });
    expect(r.statusCode).toBe(415);
    await r.body.dump();
  });

  it('answers an oversized body with 413', async () => {
    const big = JSON.stringify({ query: `{ warehouses { name } } # ${'x'.repeat(1_100_000)}` });
    const r = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(r.statusCode).toBe(413);
    await r.body.dump();
  });

  it('serves GraphiQL to a browser, from local files', async () => {
    const r = await request(url, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/html/);
    const html = await r.body.text();
    expect(html).toContain('/graphiql/yoga-graphiql.es.js');
    expect(html).not.toMatch(/https?:\/\/(unpkg|cdn|jsdelivr)/);
    for (const asset of ['yoga-graphiql.es.js', 'graphiql.css', 'monacoeditorwork/graphql.worker..bundle.js']) {
      const a = await request(`${stack.gateway.url}/graphiql/${asset}`);
      expect(a.statusCode).toBe(200);
      await a.body.dump();
    }
    const other = await request(`${stack.gateway.url}/graphiql/../package.json`);
    expect(other.statusCode).toBe(404);
    await other.body.dump();
  });

  it('answers an unknown GraphiQL asset with the GraphQL-shaped 404 of every other route, without the query string', async () => {
    const r = await request(`${stack.gateway.url}/graphiql/nope.js?secret=abc`);
    expect(r.statusCode).toBe(404);
    expect(r.headers['content-type']).toMatch(/application\/json/);
    expect(await r.body.json()).toEqual({ errors: [{ message: 'No route for GET /graphiql/nope.js.', extensions: { code: 'NOT_FOUND' } }] });
  });

  it('serves GraphiQL for a shared link with ?query=, and JSON to a GraphQL client at the same address', async () => {
    const link = `${url}?query=${encodeURIComponent('{ warehouses { name } }')}`;
    const page = await request(link, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
    expect(page.headers['content-type']).toMatch(/text\/html/);
    // Subscriptions carry the header editor's Authorization in graphql-ws's connection_init.
    expect(await page.body.text()).toContain('config.connectionParams');
    const json = await request(link, { headers: { accept: 'application/json' } });
    expect(json.headers['content-type']).toMatch(/application\/json/);
    expect(((await json.body.json()) as any).data.warehouses.length).toBeGreaterThan(0);
  });

  it('serves health and metrics', async () => {
    const h = await request(`${stack.gateway.url}/healthz`);
    expect(await h.body.json()).toEqual({ status: 'ok' });
    const m = await request(`${stack.gateway.url}/metrics`);
    const text = await m.body.text();
    expect(text).toMatch(/gateway_process_cpu/);
    expect(text).toMatch(/gateway_governor_limit\{upstream="picqer"/);
  });
});
