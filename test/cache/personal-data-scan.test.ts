import Redis from 'ioredis';
import type { RunningGateway } from '../../src/app';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { gql } from '../helpers/gql';
import { PrivateRedis } from '../helpers/private-redis';
import { TOKENS, TOKEN_SPEC } from '../security/support';
import { gatewayFor, PICQER_SECRET } from './support';

/**
 * Personal data never rests in Redis in clear text: after a workload that reads orders and
 * picklists with emails, names, addresses and phone numbers (and products, which are cached), and
 * receives an order webhook carrying the same, every key and every value of the gateway's Redis
 * (its own server: nothing else writes there) is read back and searched for those values.
 * Failures name fields and counts, never the values.
 */

const ADDRESS = 'address: deliveryAddress { name contactName street street2 zipcode } invoice: invoiceAddress { name contactName street street2 zipcode }';
const ORDER_FIELDS = `idorder email phone ${ADDRESS} lines { productcode product { name } }`;
const WORKLOAD = `{
  orders(first: 25) { edges { node { ${ORDER_FIELDS} } } }
  picklists(first: 25) { edges { node { idpicklist order { ${ORDER_FIELDS} } lines { product { name } } } } }
  products(first: 10) { edges { node { productcode name freeStock } } }
}`;

let picqer: PicqerSandbox;
let server: PrivateRedis;
let gw: RunningGateway;

beforeAll(async () => {
  server = await PrivateRedis.onFreePort();
  await server.start();
  picqer = await startPicqerSandbox({ products: 60, orders: 30, webhookRetryDelaysMs: [] });
  // Phone numbers: the seed has none, and they must be searched for too.
  for (const o of picqer.state.orders) o.telephone = `+31 6 5550 ${String(o.idorder).padStart(4, '0')}`;
  gw = await gatewayFor({ picqer }, { REDIS_URL: server.url, REDIS_KEY_PREFIX: 'pgw:', GATEWAY_TOKENS: TOKEN_SPEC, PICQER_WEBHOOK_SECRET: PICQER_SECRET });
});

afterAll(async () => {
  await gw?.close();
  await picqer?.close();
  await server?.stop();
});

/** Every personal value an order answer holds, by field, at least 4 characters long. */
function personalValues(order: any, into: Array<{ field: string; value: string }>): void {
  const add = (field: string, v: unknown) => {
    if (typeof v === 'string' && v.length >= 4) into.push({ field, value: v });
  };
  add('email', order.email);
  add('phone', order.phone);
  for (const kind of ['address', 'invoice']) {
    for (const f of ['name', 'contactName', 'street', 'street2', 'zipcode']) add(`${kind}.${f}`, order[kind]?.[f]);
  }
}

/** Every key of the Redis and everything stored under it, as text. */
async function dumpRedis(url: string): Promise<{ keys: string[]; text: string; types: Set<string> }> {
  const r = new Redis(url);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await r.scan(cursor, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    const parts: string[] = [];
    const types = new Set<string>();
    for (const key of keys) {
      const type = await r.type(key);
      types.add(type);
      parts.push(key, await valueOf(r, key, type));
    }
    return { keys, text: parts.join('\n'), types };
  } finally {
    await r.quit();
  }
}

/** A key's value as plain text (no JSON escaping on top: a value must read as it is stored). */
async function valueOf(r: Redis, key: string, type: string): Promise<string> {
  switch (type) {
    case 'string':
      return (await r.getBuffer(key))?.toString('utf8') ?? '';
    case 'hash':
      return Object.entries(await r.hgetall(key))
        .flat()
        .join('\n');
    case 'list':
      return (await r.lrange(key, 0, -1)).join('\n');
    case 'set':
      return (await r.smembers(key)).join('\n');
    case 'zset':
      return (await r.zrange(key, 0, -1, 'WITHSCORES')).join('\n');
    case 'stream':
      return (await r.xrange(key, '-', '+')).flatMap(([id, fields]) => [id, ...fields]).join('\n');
    case 'none':
      return ''; // expired between SCAN and TYPE
    default:
      throw new Error(`A Redis key of a type this scan cannot read: ${type}.`);
  }
}

it('no email, name, street, zip code or phone number read through the gateway is in Redis in clear text', async () => {
  const answer = await gql(gw, WORKLOAD, undefined, { token: TOKENS.customers });
  expect(answer.body.errors).toBeUndefined();
  const data = answer.body.data;
  const orders = [...data.orders.edges.map((e: any) => e.node), ...data.picklists.edges.map((e: any) => e.node.order).filter(Boolean)];

  // An order webhook carries the whole order, personal data included.
  const order = picqer.state.orders.find((o) => o.status === 'processing')!;
  const hook = picqer.state.hooks.create({ name: 'gw', event: 'orders.status_changed', address: `${gw.url}/webhooks/picqer`, secret: PICQER_SECRET });
  picqer.state.setOrderStatus(order.idorder, 'paused');
  await picqer.state.whenDeliveriesIdle();
  picqer.state.hooks.deactivate(hook.idhook);
  expect(picqer.state.stats().webhooks).toMatchObject({ succeeded: 1, failedAttempts: 0 });
  const delivered = (await gql(gw, `query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`, { id: String(order.idorder) }, { token: TOKENS.customers })).body;
  expect(delivered.errors).toBeUndefined();
  orders.push(delivered.data.order);

  const personal: Array<{ field: string; value: string }> = [];
  for (const o of orders) personalValues(o, personal);
  // Non-trivial: every kind of value is there, many of them.
  const fields = new Set(personal.map((p) => p.field));
  for (const f of ['email', 'phone', 'address.name', 'address.contactName', 'address.street', 'address.zipcode']) expect(fields.has(f)).toBe(true);
  expect(new Set(personal.map((p) => p.value)).size).toBeGreaterThanOrEqual(20);

  const dump = await dumpRedis(server.url);
  // The scan reads what the cache stores: the product names the workload read are there, in clear text.
  expect(dump.keys.some((k) => k.startsWith('pgw:cache:'))).toBe(true);
  expect(dump.types.has('stream')).toBe(true); // the event log, read with XRANGE
  const productNames: string[] = data.products.edges.map((e: any) => e.node.name);
  expect(productNames.filter((n) => n.length >= 4 && dump.text.includes(n))).toHaveLength(productNames.length);
  // The order event is in the log (its ids and status only).
  expect(dump.text.includes(`"idorder":${order.idorder}`)).toBe(true);

  const leaked = personal.filter((p) => dump.text.includes(p.value));
  expect({ leakedValues: leaked.length, leakedFields: [...new Set(leaked.map((p) => p.field))] }).toEqual({ leakedValues: 0, leakedFields: [] });
});
