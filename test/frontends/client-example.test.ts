import path from 'node:path';
import WebSocket from 'ws';
import { createGatewayClient, FreeStockChangedDocument, ProductsWithStockDocument, StockDriftDocument } from '../../examples/client/src';
import type { FreeStockChangedLiveSubscription } from '../../examples/client/src';
import { sign } from '../helpers/events-server';
import { startStack, type TestStack } from '../helpers/stack';
import { until } from '../helpers/until';

/**
 * The typed example client (examples/client: urql + graphql-ws, types from the client preset) on a
 * real gateway: a typed query, a subscription over graphql-ws that sees a stock change, and the
 * same client in persisted mode against a gateway that runs only the operations of its
 * persisted-documents.json (TRUSTED_DOCUMENTS=on), which refuses any other.
 */

const TOKEN = 'tok-client-example-0123456789';
const SECRET = 'picqer-hook-secret-for-client-example';
const MANIFEST = path.join(__dirname, '..', '..', 'examples', 'client', 'src', 'gql', 'persisted-documents.json');
let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({
    shopify: true,
    env: {
      GATEWAY_TOKENS: `frontend:stock:read:${TOKEN}`,
      PICQER_WEBHOOK_SECRET: SECRET,
      TRUSTED_DOCUMENTS: 'on',
      TRUSTED_DOCUMENTS_FILE: MANIFEST,
    },
  });
}, 60_000);
afterAll(() => stack?.close());

function client(persisted: boolean) {
  return createGatewayClient({ url: `${stack.gateway.url}/graphql`, token: TOKEN, persisted, webSocketImpl: WebSocket });
}

test('persisted mode: typed queries run by hash on a gateway with TRUSTED_DOCUMENTS=on', async () => {
  const c = client(true);
  try {
    const products = await c.urql.query(ProductsWithStockDocument, { first: 3 }).toPromise();
    expect(products.error).toBeUndefined();
    // Typed: edges[].node.stock[].warehouse.name is a string, shopify may be null.
    const nodes = products.data!.products.edges.map((e) => e.node);
    expect(nodes).toHaveLength(3);
    expect(typeof nodes[0].stock[0].warehouse.name).toBe('string');
    const drift = await c.urql.query(StockDriftDocument, { codes: nodes.map((n) => n.productcode) }).toPromise();
    expect(drift.error).toBeUndefined();
    expect(Array.isArray(drift.data!.stockDrift)).toBe(true);
  } finally {
    await c.close();
  }
});

test('a document the frontend was not built with is refused by the same gateway', async () => {
  const res = await fetch(`${stack.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ query: '{ warehouses { name } }' }),
  });
  expect(res.status).toBe(400);
  const body = (await res.json()) as { errors: Array<{ extensions: { code: string } }> };
  expect(body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
});

test('a typed subscription over graphql-ws (the listed text, in persisted mode) sees a stock change', async () => {
  const c = client(true);
  const events: FreeStockChangedLiveSubscription[] = [];
  const errors: unknown[] = [];
  const sub = c.urql.subscription(FreeStockChangedDocument, { codes: ['CLIENT-7'] }).subscribe((r) => {
    if (r.data) events.push(r.data);
    if (r.error) errors.push(r.error);
  });
  try {
    await until(() => errors.length > 0 || stack.gateway.services.events.bus.subscriberCount() === 1, 'the subscription to register');
    expect(errors).toEqual([]);
    const body = JSON.stringify({
      idhook: 1,
      name: 'gateway',
      event: 'products.free_stock_changed',
      event_triggered_at: '2026-01-13 09:46:30',
      data: { idproduct: 7, productcode: 'CLIENT-7', stock: [{ idwarehouse: 1, stock: 10, reserved: 1, freestock: 9 }] },
    });
    const res = await fetch(`${stack.gateway.url}/webhooks/picqer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-picqer-signature': sign(body, SECRET) },
      body,
    });
    expect(res.status).toBe(200);
    await until(() => events.length === 1, 'the event');
    expect(events[0].freeStockChanged).toMatchObject({ productcode: 'CLIENT-7', freeStock: 9, stock: [{ warehouseId: 1, freeStock: 9 }] });
  } finally {
    sub.unsubscribe();
    await c.close();
  }
});
