import Redis from 'ioredis';
import type { RunningGateway } from '../../src/app';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { gql } from '../helpers/gql';
import { deleteKeys } from '../helpers/redis-keys';
import { cachePrefix, gatewayFor, sandboxStock, SHARED_REDIS, usage } from './support';

/**
 * Keys carry the upstream credential: gateways for two Picqer accounts on one Redis prefix never
 * answer from each other's entries, and the credential itself is never in a key.
 */

const QUERY = 'query($id: ID!) { product(id: $id) { idproduct productcode name stock { warehouse { idwarehouse } stock reserved freeStock } } }';
const KEYS = { one: 'cache-account-one-key-0001', two: 'cache-account-two-key-0002' };

let one: PicqerSandbox;
let two: PicqerSandbox;
const prefix = cachePrefix('accounts');
const gateways: RunningGateway[] = [];

beforeAll(async () => {
  one = await startPicqerSandbox({ products: 30, orders: 5, apiKeys: [KEYS.one] });
  two = await startPicqerSandbox({ products: 30, orders: 5, apiKeys: [KEYS.two, KEYS.one] });
});

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  await Promise.all([one?.close(), two?.close()]);
  await deleteKeys(SHARED_REDIS, prefix);
});

async function gatewayOn(sandbox: PicqerSandbox, env: Record<string, string> = {}): Promise<RunningGateway> {
  const gw = await gatewayFor({ picqer: sandbox }, { REDIS_URL: SHARED_REDIS, REDIS_KEY_PREFIX: prefix, ...env });
  gateways.push(gw);
  return gw;
}

function expected(sandbox: PicqerSandbox, idproduct: number): unknown {
  const p = sandbox.state.products.find((x) => x.idproduct === idproduct)!;
  return { idproduct, productcode: p.productcode, name: p.name, stock: sandboxStock(sandbox, idproduct) };
}

it('two Picqer accounts on one Redis prefix: each gateway answers its own account’s product 1, each with its own call', async () => {
  const id = one.state.products[0].idproduct;
  expect(two.state.products[0].idproduct).toBe(id);
  // Same id, different product: another name and other stock.
  two.state.products[0].name = 'Account two’s own product';
  two.state.moveStock({ idproduct: id }, 1, 5);
  const [gwOne, gwTwo] = [await gatewayOn(one), await gatewayOn(two)];

  const first = await gql(gwOne, QUERY, { id: String(id) });
  expect(first.body.data.product).toEqual(expected(one, id));
  const callsTwo = two.requests().total;
  const second = await gql(gwTwo, QUERY, { id: String(id) });
  expect(second.body.data.product).toEqual(expected(two, id));
  expect(second.body.data.product).not.toEqual(first.body.data.product);
  expect(usage(second.body, 'picqer').cacheMisses).toBeGreaterThanOrEqual(1);
  expect(two.requests().total - callsTwo).toBeGreaterThanOrEqual(1);

  // Each account's entry is there for its own gateway.
  for (const [gw, sandbox] of [
    [gwOne, one],
    [gwTwo, two],
  ] as const) {
    const calls = sandbox.requests().total;
    const again = await gql(gw, QUERY, { id: String(id) });
    expect(again.body.data.product).toEqual(expected(sandbox, id));
    expect(usage(again.body, 'picqer')).toMatchObject({ calls: 0, cacheMisses: 0 });
    expect(sandbox.requests().total).toBe(calls);
  }
});

it('one Picqer, two API keys: the second key’s gateway does not answer from the first key’s entries', async () => {
  const id = two.state.products[1].idproduct;
  const byKeyTwo = await gatewayOn(two);
  const byKeyOne = await gatewayOn(two, { PICQER_API_KEY: KEYS.one });
  expect((await gql(byKeyTwo, QUERY, { id: String(id) })).body.data.product).toEqual(expected(two, id));

  const calls = two.requests().total;
  const other = await gql(byKeyOne, QUERY, { id: String(id) });
  expect(other.body.data.product).toEqual(expected(two, id));
  expect(usage(other.body, 'picqer').cacheMisses).toBeGreaterThanOrEqual(1);
  expect(two.requests().total - calls).toBeGreaterThanOrEqual(1);

  // Keys name the account by a hash, never by its credential.
  const r = new Redis(SHARED_REDIS);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    expect(keys.filter((k) => k.startsWith(`${prefix}cache:`)).length).toBeGreaterThan(0);
    expect(keys.filter((k) => k.includes(KEYS.one) || k.includes(KEYS.two))).toHaveLength(0);
  } finally {
    await r.quit();
  }
});
