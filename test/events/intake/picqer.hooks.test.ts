import type { PicqerHookWire, PicqerProductWire } from '../../../src/datasources/picqer/wire';
import { createLogger } from '../../../src/logger';
import { startPicqerSandbox, type PicqerSandbox } from '../../../src/sandbox/picqer';
import { ZERO_ID } from '../../../src/events/log/event-id';
import { MemoryEventLog } from '../../../src/events/log/event-log.memory';
import { ensurePicqerHooks, type PicqerHooksApi } from '../../../src/events/intake/picqer.hooks';
import { PICQER_HOOK_EVENTS } from '../../../src/events/intake/picqer.webhook';
import { PICQER_SECRET, startEventsServer, type EventsServer } from '../../helpers/events-server';
import { until } from '../../helpers/until';

/** Hook registration against the Picqer sandbox, then a real delivery from it through our receiver. */

const logger = createLogger('silent');
let sandbox: PicqerSandbox;
let server: EventsServer;
let log: MemoryEventLog;

beforeAll(async () => {
  sandbox = await startPicqerSandbox({ products: 20, orders: 5, webhookRetryDelaysMs: [20, 20] });
  log = new MemoryEventLog();
  server = await startEventsServer(log);
});
afterAll(async () => {
  await server?.close();
  await log?.close();
  await sandbox?.close();
});

/** A tiny adapter over fetch: Basic auth with the key, the User-Agent Picqer requires. */
async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sandbox.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${sandbox.apiKey}:`).toString('base64')}`,
      'user-agent': 'PicqerGateway tests (tests@example.invalid)',
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}`);
  const text = await res.text(); // DELETE answers without a body
  return (text ? JSON.parse(text) : null) as T;
}

const listCalls: number[] = [];
const api: PicqerHooksApi = {
  listHooks: (offset) => {
    listCalls.push(offset);
    return call<PicqerHookWire[]>('GET', `/hooks?offset=${offset}`);
  },
  createHook: (input) => call<PicqerHookWire>('POST', '/hooks', input),
};

test('running registration twice creates each missing hook once and leaves other hooks alone', async () => {
  const address = `${server.url}/webhooks/picqer`;
  const foreign = await call<PicqerHookWire>('POST', '/hooks', {
    name: 'Other integration',
    event: 'orders.status_changed',
    address: 'http://127.0.0.1:9/elsewhere',
    secret: 'other-secret-value',
  });
  const stale = await call<PicqerHookWire>('POST', '/hooks', { name: 'Old gateway hook', event: 'picklists.closed', address, secret: PICQER_SECRET });
  await call('DELETE', `/hooks/${stale.idhook}`); // deactivated: does not count as present

  const first = await ensurePicqerHooks(api, { publicUrl: `${server.url}/`, secret: PICQER_SECRET, events: PICQER_HOOK_EVENTS, logger });
  expect(first.created.map((h) => h.event).sort()).toEqual([...PICQER_HOOK_EVENTS].sort());
  expect(first.existing).toEqual([]);
  const second = await ensurePicqerHooks(api, { publicUrl: server.url, secret: PICQER_SECRET, events: PICQER_HOOK_EVENTS, logger });
  expect(second.created).toEqual([]);
  expect(second.existing.map((h) => h.idhook).sort()).toEqual(first.created.map((h) => h.idhook).sort());

  const hooks = await call<PicqerHookWire[]>('GET', '/hooks?offset=0');
  const ourActive = hooks.filter((h) => h.active && h.address === address);
  expect(ourActive.map((h) => h.event).sort()).toEqual([...PICQER_HOOK_EVENTS].sort());
  expect(hooks.find((h) => h.idhook === foreign.idhook)).toMatchObject({ active: true, address: 'http://127.0.0.1:9/elsewhere' });
  expect(hooks.find((h) => h.idhook === stale.idhook)).toMatchObject({ active: false });
  expect(listCalls.every((o) => o % 100 === 0)).toBe(true);
});

test('a stock move in the sandbox arrives signed at our receiver and lands in the log', async () => {
  const [product] = await call<PicqerProductWire[]>('GET', '/products?offset=0');
  const row = product.stock[0];
  const res = await fetch(`${sandbox.origin}/__sandbox/stock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ productcode: product.productcode, idwarehouse: row.idwarehouse, change: 3 }),
  });
  expect(res.status).toBe(200);
  const stockChange = async () => {
    const events = await log.read(ZERO_ID, { count: 1000 });
    return events.find((e) => e.topic === 'freeStockChanged' && e.payload.productcode === product.productcode);
  };
  await until(async () => (await stockChange()) !== undefined, 'the sandbox delivery to reach the log');
  const hit = await stockChange();
  expect(hit?.topic === 'freeStockChanged' && hit.payload.stock.find((s) => s.warehouseId === row.idwarehouse)?.freeStock).toBe(row.freestock + 3);
});
