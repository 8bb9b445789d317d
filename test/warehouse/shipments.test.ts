import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { PICQER_SECRET } from '../helpers/events-server';
import { startStack, type TestStack } from '../helpers/stack';
import { until } from '../helpers/until';
import { collect } from '../helpers/ws-collect';

/** Shipments (track & trace) of picklists and orders, and shipmentCreated, against the Picqer sandbox. */

let stack: TestStack;
let client: Client | undefined;
beforeAll(async () => {
  stack = await startStack({ picqer: { products: 120, orders: 40 }, env: { PICQER_WEBHOOK_SECRET: PICQER_SECRET } });
});
afterAll(async () => {
  await client?.dispose();
  await stack?.close();
});

const wire = (s: { idshipment: number; public_providername: string; trackingcode: string; tracktraceurl: string; created: string }) => ({
  idshipment: s.idshipment,
  carrier: s.public_providername,
  trackingCode: s.trackingcode,
  trackingUrl: s.tracktraceurl,
  createdAt: s.created,
  cancelled: false,
});

test("an order's shipments come from its picklists, one call for the picklists and one per picklist", async () => {
  const closed = stack.picqer.state.picklists.find((p) => p.status === 'closed')!;
  await stack.resetStats();
  const { body } = await stack.gql(
    `query($id: ID!) { order(id: $id) { orderid shipments { idshipment carrier trackingCode trackingUrl createdAt cancelled } } }`,
    {
      id: String(closed.idorder),
    },
  );
  expect(body.errors).toBeUndefined();
  const picklists = stack.picqer.state.picklists.filter((p) => p.idorder === closed.idorder);
  const expected = picklists.flatMap((p) => stack.picqer.state.warehouse.shipmentsOf(p.idpicklist)).map(wire);
  expect(expected.length).toBeGreaterThan(0);
  expect(body.data!.order.shipments).toEqual(expected);
  const byPath = (await stack.stats()).byPath;
  expect(byPath['GET /api/v1/orders/:idorder']).toBe(1);
  expect(byPath['GET /api/v1/picklists']).toBe(1);
  expect(byPath['GET /api/v1/picklists/:idpicklist/shipments']).toBe(picklists.length);
});

test("a picklist's shipments, and none for an open picklist", async () => {
  const closed = stack.picqer.state.picklists.find((p) => p.status === 'closed')!;
  const open = stack.picqer.state.picklists.find((p) => p.status === 'new')!;
  const q = `query($id: ID!) { picklist(id: $id) { shipments { idshipment carrier trackingCode trackingUrl createdAt cancelled } } }`;
  const a = await stack.gql(q, { id: String(closed.idpicklist) });
  expect(a.body.data!.picklist.shipments).toEqual(stack.picqer.state.warehouse.shipmentsOf(closed.idpicklist).map(wire));
  const b = await stack.gql(q, { id: String(open.idpicklist) });
  expect(b.body.data!.picklist.shipments).toEqual([]);
});

test('a shipment created in Picqer reaches a shipmentCreated subscriber of its order', async () => {
  const state = stack.picqer.state;
  const [pl, other] = state.picklists.filter((p) => p.status === 'new');
  state.hooks.create({ name: 'gw', event: 'picklists.shipments.created', address: `${stack.gateway.url}/webhooks/picqer`, secret: PICQER_SECRET });
  client = createClient({ url: `${stack.gateway.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  const sub = collect(client, `subscription($o: Int) { shipmentCreated(orderId: $o) { idshipment idpicklist idorder carrier trackingCode trackingUrl } }`, {
    o: pl.idorder,
  });
  await until(() => stack.gateway.services.events.bus.subscriberCount() === 1, 'the subscription to register');
  state.warehouse.createShipment(other.idpicklist); // another order: filtered out
  const s = state.warehouse.createShipment(pl.idpicklist);
  await until(() => sub.items.length >= 1, 'the shipment event');
  expect(sub.items[0].data.shipmentCreated).toEqual({
    idshipment: s.idshipment,
    idpicklist: pl.idpicklist,
    idorder: pl.idorder,
    carrier: s.public_providername,
    trackingCode: s.trackingcode,
    trackingUrl: s.tracktraceurl,
  });
  await state.hooks.whenIdle();
  expect(sub.items).toHaveLength(1);
});
