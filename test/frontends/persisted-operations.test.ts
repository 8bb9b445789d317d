import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import Redis from 'ioredis';
import WebSocket from 'ws';
import { request } from 'undici';
import type { RunningGateway } from '../../src/app';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { gatewayFor, SHARED_REDIS } from '../cache/support';
import { gql } from '../helpers/gql';
import { PrivateRedis } from '../helpers/private-redis';
import { until } from '../helpers/until';
import { collect } from '../helpers/ws-collect';

/**
 * Persisted operations (issue 17): APQ registered on one replica is served by another through
 * Redis; with TRUSTED_DOCUMENTS=on only the operations in the list run, by id, APQ hash or text.
 */

const LISTED = 'query Stock { products(first: 2) { edges { node { productcode } } } }';
const OTHER = 'query Other { warehouses { name } }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** POSTs a raw GraphQL body (documentId, extensions) to a gateway. */
async function post(gw: RunningGateway, body: Record<string, unknown>): Promise<{ status: number; json: any }> {
  const r = await request(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.statusCode, json: await r.body.json() };
}

let picqer: PicqerSandbox;
beforeAll(async () => {
  picqer = await startPicqerSandbox({ products: 20, orders: 5 });
});
afterAll(() => picqer?.close());

describe('APQ across replicas', () => {
  const gateways: RunningGateway[] = [];
  afterAll(() => Promise.all(gateways.map((g) => g.close())));

  it('serves a query registered on one replica to another by its hash alone', async () => {
    const prefix = `test:apq:${process.pid}:${Date.now()}:`;
    const env = { REDIS_URL: SHARED_REDIS, REDIS_KEY_PREFIX: prefix, APQ_TTL_SECONDS: '600' };
    const [a, b] = await Promise.all([gatewayFor({ picqer }, env), gatewayFor({ picqer }, env)]);
    gateways.push(a, b);
    const query = `{ products(first: 1) { edges { node { productcode } } } } # ${Date.now()}`;
    const persistedQuery = { version: 1, sha256Hash: sha256(query) };
    const unknown = await post(b, { extensions: { persistedQuery } });
    expect(unknown.json.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await post(a, { query, extensions: { persistedQuery } });
    expect(registered.json.data.products.edges).toHaveLength(1);
    const served = await post(b, { extensions: { persistedQuery } });
    expect(served.status).toBe(200);
    expect(served.json.data).toEqual(registered.json.data);
    // The entry lives under the deployment's prefix and expires.
    const redis = new Redis(SHARED_REDIS);
    try {
      const key = `${prefix}apq:apq:${persistedQuery.sha256Hash}`;
      expect(await redis.get(key)).toBe(query);
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(600);
      await redis.del(key);
    } finally {
      redis.disconnect();
    }
  });
});

it('keeps APQ working on one replica while its Redis is down', async () => {
  const redis = await PrivateRedis.onFreePort();
  await redis.start();
  const gw = await gatewayFor({ picqer }, { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'test:apq-down:' });
  try {
    await redis.stop();
    const query = '{ warehouses { name } }';
    const persistedQuery = { version: 1, sha256Hash: sha256(query) };
    expect((await post(gw, { query, extensions: { persistedQuery } })).json.data.warehouses.length).toBeGreaterThan(0);
    const served = await post(gw, { extensions: { persistedQuery } });
    expect(served.status).toBe(200);
    expect(served.json.data.warehouses.length).toBeGreaterThan(0);
  } finally {
    await gw.close();
    await redis.stop();
  }
});

describe('trusted documents', () => {
  let dir: string;
  let gw: RunningGateway;
  const sha1Id = createHash('sha1').update(LISTED).digest('hex');

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'trusted-'));
    // What GraphQL Code Generator's client preset writes with persistedDocuments (hashAlgorithm sha1 here, its default).
    const file = path.join(dir, 'persisted-documents.json');
    writeFileSync(file, JSON.stringify({ [sha1Id]: LISTED }));
    gw = await gatewayFor({ picqer }, { TRUSTED_DOCUMENTS: 'on', TRUSTED_DOCUMENTS_FILE: file });
  });
  afterAll(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a listed operation by documentId, by its text and by its APQ hash', async () => {
    const byId = await post(gw, { documentId: sha1Id });
    expect(byId.status).toBe(200);
    expect(byId.json.data.products.edges).toHaveLength(2);
    expect((await gql(gw, LISTED)).body.data).toEqual(byId.json.data);
    const byHash = await post(gw, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(LISTED) } } });
    expect(byHash.json.data).toEqual(byId.json.data);
  });

  it('refuses any other operation before it runs, with PERSISTED_QUERY_NOT_IN_LIST', async () => {
    const before = picqer.requests().total;
    const cases = [
      await gql(gw, OTHER).then((r) => ({ status: r.status, json: r.body })),
      await post(gw, { documentId: 'f'.repeat(40) }),
      await post(gw, { query: OTHER, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(OTHER) } } }),
      await post(gw, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(OTHER) } } }),
    ];
    for (const r of cases) {
      expect(r.status).toBe(400);
      expect(r.json.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
      expect(r.json.data).toBeUndefined();
    }
    expect(picqer.requests().total).toBe(before);
  });

  it('refuses a subscription that is not listed over graphql-ws too', async () => {
    const client = createClient({ url: `${gw.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    try {
      const sub = collect(client, 'subscription { freeStockChanged { productcode freeStock } }');
      await until(() => sub.error !== undefined, 'the refusal of the unlisted subscription');
      expect(JSON.stringify(sub.error)).toContain('PERSISTED_QUERY_NOT_IN_LIST');
      expect(sub.items).toEqual([]);
    } finally {
      await client.dispose();
    }
  });
});
