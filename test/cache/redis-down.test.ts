import Redis from 'ioredis';
import type { RunningGateway } from '../../src/app';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { gql } from '../helpers/gql';
import { PrivateRedis } from '../helpers/private-redis';
import { until } from '../helpers/until';
import { gatewayFor, sandboxStock, usage } from './support';

/**
 * Redis goes away mid-run: the gateway keeps answering, correctly, from Picqer and a memory-only
 * cache; when Redis is back the cache is shared again. The gateway's Redis is its own server
 * (stopping the shared one would break every other test).
 */

const QUERY = 'query($id: ID!) { product(id: $id) { idproduct productcode stock { warehouse { idwarehouse } stock reserved freeStock } } }';

let picqer: PicqerSandbox;
let server: PrivateRedis;
let gw: RunningGateway;

beforeAll(async () => {
  server = await PrivateRedis.onFreePort();
  await server.start();
  picqer = await startPicqerSandbox({ products: 60, orders: 5 });
  gw = await gatewayFor({ picqer }, { REDIS_URL: server.url, REDIS_KEY_PREFIX: 'pgw:' });
});

afterAll(async () => {
  await gw?.close();
  await picqer?.close();
  await server?.stop();
});

async function read(id: number): Promise<any> {
  const body = (await gql(gw, QUERY, { id: String(id) })).body;
  expect(body.errors).toBeUndefined();
  return body;
}

/** Whether the gateway's Redis holds product `id`'s entry. */
async function inRedis(id: number): Promise<boolean> {
  const r = new Redis(server.url);
  try {
    return (await r.exists(`pgw:cache:v:${gw.services.cacheNamespaces.picqer}:product:${id}`)) === 1;
  } finally {
    await r.quit();
  }
}

it('answers correctly from memory while Redis is down, and shares the cache through Redis again once it is back', async () => {
  const cache = gw.services.cache!;
  const [p, q] = [picqer.state.products[2].idproduct, picqer.state.products[3].idproduct];
  await read(p);
  expect(usage(await read(p), 'picqer')).toMatchObject({ calls: 0, cacheMisses: 0 });
  expect(await inRedis(p)).toBe(true);
  expect(cache.mode()).toBe('redis');

  await server.stop();
  // The entry in Redis is out of reach: the product comes from Picqer, as it is there.
  const during = await read(p);
  expect(during.data.product.stock).toEqual(sandboxStock(picqer, p));
  await until(() => cache.mode() === 'fallback', 'the cache to fall back to memory');

  // A stock move while Redis is down (no webhook can be logged now): a product with no entry is read as Picqer has it ...
  picqer.state.moveStock({ idproduct: q }, 1, 13);
  const moved = await read(q);
  expect(usage(moved, 'picqer').cacheMisses).toBeGreaterThanOrEqual(1);
  expect(moved.data.product.stock).toEqual(sandboxStock(picqer, q));
  // ... and then answered from memory alone.
  const again = await read(q);
  expect(usage(again, 'picqer')).toMatchObject({ calls: 0, cacheMisses: 0 });
  expect(again.data.product.stock).toEqual(sandboxStock(picqer, q));

  picqer.state.moveStock({ idproduct: p }, 1, 21);
  await server.start();
  await until(() => cache.mode() === 'redis', 'the cache to use Redis again', { everyMs: 50 });
  // Memory was cleared on the way back (it missed whatever other replicas invalidated meanwhile).
  const after = await read(p);
  expect(usage(after, 'picqer').cacheMisses).toBeGreaterThanOrEqual(1);
  expect(after.data.product.stock).toEqual(sandboxStock(picqer, p));
  expect(await inRedis(p)).toBe(true);
  expect(usage(await read(p), 'picqer')).toMatchObject({ calls: 0, cacheMisses: 0 });
});
