import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { ProductRecord } from '../../src/sandbox/picqer/model';
import { PICQER_SECRET } from '../helpers/events-server';
import { startStack, type TestStack } from '../helpers/stack';
import { until } from '../helpers/until';
import { collect } from '../helpers/ws-collect';

/**
 * Bundles (Picqer virtual compositions): type, parts and the stock their parts allow, against the
 * Picqer sandbox's seeded bundles; and a part's stock change reaching a subscriber of the bundle.
 */

let stack: TestStack;
const clients: Client[] = [];
beforeAll(async () => {
  stack = await startStack({ picqer: { products: 120, orders: 30, bundles: 4 }, env: { PICQER_WEBHOOK_SECRET: PICQER_SECRET, CACHE_ENABLED: 'false' } });
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await stack?.close();
});

const product = (id: number): ProductRecord => stack.picqer.state.products.find((p) => p.idproduct === id)!;
const partsOf = (id: number) => stack.picqer.state.warehouse.seed.parts.get(id)!;

/** The bundle's free stock per warehouse as the issue defines it, from the sandbox's own data. */
function expectedFree(idbundle: number, idwarehouse: number): number {
  return Math.min(
    ...partsOf(idbundle).map((part) => {
      const p = product(part.idproduct);
      const free =
        p.type === 'virtual_composition' ? expectedFree(p.idproduct, idwarehouse) : (p.stock.find((s) => s.idwarehouse === idwarehouse)?.freestock ?? 0);
      return Math.floor(Math.max(0, free) / part.amount);
    }),
  );
}

const BUNDLE = `query($code: String!) { product(productcode: $code) {
  idproduct type freeStock stock { warehouse { id } freeStock stock }
  parts { amount product { idproduct productcode type } } } }`;

test('a virtual composition has type, parts and the free stock its parts allow in each warehouse', async () => {
  const { body: r } = await stack.gql(BUNDLE, { code: 'BUNDLE-001' });
  expect(r.errors).toBeUndefined();
  const p = r.data!.product;
  expect(p.type).toBe('VIRTUAL_COMPOSITION');
  expect(p.parts).toEqual(
    partsOf(p.idproduct).map((x) => ({ amount: x.amount, product: { idproduct: x.idproduct, productcode: x.productcode, type: 'NORMAL' } })),
  );
  for (const row of p.stock) expect(row.freeStock).toBe(expectedFree(p.idproduct, Number(row.warehouse.id)));
  // General free stock: warehouses 1 and 2 count, the returns warehouse (3) does not.
  expect(p.freeStock).toBe(expectedFree(p.idproduct, 1) + expectedFree(p.idproduct, 2));
});

test('a nested bundle counts its inner bundle by what that one allows', async () => {
  const { body: r } = await stack.gql(BUNDLE, { code: 'BUNDLE-004' });
  expect(r.errors).toBeUndefined();
  const p = r.data!.product;
  expect(p.parts.map((x: any) => x.product.type)).toContain('VIRTUAL_COMPOSITION');
  for (const row of p.stock) expect(row.freeStock).toBe(expectedFree(p.idproduct, Number(row.warehouse.id)));
});

test('a page of bundles reads each parts list once and all parts in one batched call', async () => {
  await stack.resetStats();
  const { body: r } = await stack.gql(`{ products(first: 4, after: "${Buffer.from('o:119').toString('base64url')}") { edges { node {
    productcode type freeStock parts { amount product { productcode freeStock } } } } } }`);
  expect(r.errors).toBeUndefined();
  expect(r.data!.products.edges.map((e: any) => e.node.productcode)).toEqual(['BUNDLE-001', 'BUNDLE-002', 'BUNDLE-003', 'BUNDLE-004']);
  const byPath = (await stack.stats()).byPath;
  expect(byPath['GET /api/v1/products/:idproduct/parts']).toBe(4);
  // The page, then every part by id (one idproducts call), then the warehouses.
  expect(byPath['GET /api/v1/products']).toBe(2);
  expect(byPath['GET /api/v1/warehouses']).toBe(1);
});

test("a part's stock change moves the bundle's free stock, and a subscriber of the bundle sees it", async () => {
  const state = stack.picqer.state;
  // A bundle its parts allow at least once in warehouse 1 (not the nested one).
  const bundle = state.products.find((p) => ['BUNDLE-001', 'BUNDLE-002', 'BUNDLE-003'].includes(p.productcode) && expectedFree(p.idproduct, 1) > 0)!;
  state.hooks.create({ name: 'gw', event: 'products.free_stock_changed', address: `${stack.gateway.url}/webhooks/picqer`, secret: PICQER_SECRET });
  const client = createClient({ url: `${stack.gateway.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  clients.push(client);
  const sub = collect(
    client,
    `subscription($code: String!) { freeStockChanged(productcodes: [$code]) { idproduct productcode freeStock stock { warehouseId freeStock } } }`,
    {
      code: bundle.productcode,
    },
  );
  await until(() => stack.gateway.services.events.bus.subscriberCount() === 1, 'the subscription to register');

  // The part that limits the bundle in warehouse 1, and another part that does not.
  const free1 = (id: number) => product(id).stock.find((s) => s.idwarehouse === 1)!.freestock;
  const parts = partsOf(bundle.idproduct);
  const limiting = parts.reduce((a, b) => (Math.floor(free1(b.idproduct) / b.amount) < Math.floor(free1(a.idproduct) / a.amount) ? b : a));
  const other = parts.find((x) => x !== limiting)!;
  // More of a part that does not limit the bundle changes nothing for it: no event. (Its delivery
  // is handled, and the gateway has read its bundle index, before the next change is made.)
  state.moveStock({ idproduct: other.idproduct }, 1, 5);
  await state.hooks.whenIdle();
  // Fewer of the limiting part: the bundle can be made once less in warehouse 1.
  const before = expectedFree(bundle.idproduct, 1);
  state.moveStock({ idproduct: limiting.idproduct }, 1, -limiting.amount);
  const after = expectedFree(bundle.idproduct, 1);
  expect(after).toBe(before - 1);

  await until(() => sub.items.length >= 1, "the bundle's event");
  const event = sub.items[0].data.freeStockChanged;
  expect(event.productcode).toBe(bundle.productcode);
  expect(event.idproduct).toBe(bundle.idproduct);
  expect(event.stock.find((s: any) => s.warehouseId === 1).freeStock).toBe(after);
  // A query now answers the same.
  const { body: r } = await stack.gql(BUNDLE, { code: bundle.productcode });
  expect(r.data!.product.stock.find((s: any) => s.warehouse.id === '1').freeStock).toBe(after);
});
