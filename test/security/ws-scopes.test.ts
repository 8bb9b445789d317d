import { createClient, type Client } from 'graphql-ws';
import { request } from 'undici';
import WebSocket from 'ws';
import { WS_CLOSE } from '../../src/events/fanout/ws-server';
import { startSecurityStack, TOKENS, type SecurityStack } from './support';
import { collect } from '../helpers/ws-collect';
import { until } from '../helpers/until';

/**
 * The caller rules of test/security/scopes.test.ts, over the other transport: graphql-ws on
 * /graphql, the token in connection_init's payload. The gateway registers its Picqer hook in the
 * sandbox at start, so a stock move in the sandbox reaches a subscriber the way it would in
 * production: signed webhook in, subscription event out.
 */

const WEBHOOK_SECRET = 'ws-scopes-test-webhook-secret-0001';
let stack: SecurityStack;
const clients: Client[] = [];

beforeAll(async () => {
  stack = await startSecurityStack({ PICQER_WEBHOOK_SECRET: WEBHOOK_SECRET, PICQER_REGISTER_HOOKS: 'true' });
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await stack?.close();
});

/** A client sending `Bearer <token>`, or `authorization` exactly as given. */
function wsClient(token: string | null, authorization = token ? `Bearer ${token}` : undefined): Client {
  const c = createClient({
    url: `${stack.gateway.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: authorization !== undefined ? { authorization } : {},
    retryAttempts: 0,
    lazy: true,
  });
  clients.push(c);
  return c;
}

const bus = () => stack.gateway.services.events.bus;

describe('scopes over graphql-ws', () => {
  test('no token: the connection is closed with 4401', async () => {
    const sub = collect(wsClient(null), 'subscription { freeStockChanged { productcode } }');
    await until(() => sub.error !== undefined, 'the close');
    expect((sub.error as { code: number }).code).toBe(WS_CLOSE.UNAUTHENTICATED.code);
    expect(sub.items).toEqual([]);
  });

  test('an unknown token: the connection is closed with 4401', async () => {
    const sub = collect(wsClient('tok-unknown-0123456789abcdef'), 'subscription { freeStockChanged { productcode } }');
    await until(() => sub.error !== undefined, 'the close');
    expect((sub.error as { code: number }).code).toBe(WS_CLOSE.UNAUTHENTICATED.code);
  });

  test('a known token without "Bearer ": the connection is closed with 4401, as HTTP refuses it with 401', async () => {
    const sub = collect(wsClient(null, TOKENS.stock), 'subscription { freeStockChanged { productcode } }');
    await until(() => sub.error !== undefined, 'the close');
    expect((sub.error as { code: number }).code).toBe(WS_CLOSE.UNAUTHENTICATED.code);
    expect(sub.items).toEqual([]);
    const http = await stack.gql('{ warehouses { name } }', { authorization: TOKENS.stock });
    expect(http.status).toBe(401);
    expect(http.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('a token without orders:read subscribing to orderStatusChanged: FORBIDDEN, no subscription opened', async () => {
    const before = bus().subscriberCount();
    const sub = collect(wsClient(TOKENS.stock), 'subscription { orderStatusChanged { idorder status } }');
    await until(() => sub.completed || sub.error !== undefined, 'the refusal');
    expect(sub.error).toBeUndefined();
    expect(sub.items).toHaveLength(1);
    expect(sub.items[0].data ?? null).toBeNull();
    expect(sub.items[0].errors.map((e: any) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(sub.items[0].errors[0].message).toMatch(/orders:read/);
    expect(bus().subscriberCount()).toBe(before);
  });

  test('a stock:read token gets freeStockChanged after a stock move in the Picqer sandbox', async () => {
    const product = stack.picqer.state.products[3] as { productcode: string; idproduct: number };
    const before = bus().subscriberCount();
    const sub = collect(
      wsClient(TOKENS.stock),
      'subscription($codes: [String!]) { freeStockChanged(productcodes: $codes) { productcode idproduct stock { warehouseId freeStock } } }',
      {
        codes: [product.productcode],
      },
    );
    await until(() => bus().subscriberCount() === before + 1 || sub.completed, 'the subscription to register');
    expect(sub.items).toEqual([]);
    const r = await request(`${stack.picqer.origin}/__sandbox/stock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ productcode: product.productcode, idwarehouse: 1, change: 5 }),
    });
    expect(r.statusCode).toBe(200);
    const row = (await r.body.json()) as { freestock: number };
    await until(() => sub.items.length > 0 || sub.completed, 'the stock event');
    expect(sub.items[0].errors).toBeUndefined();
    const event = sub.items[0].data.freeStockChanged;
    expect(event).toMatchObject({ productcode: product.productcode, idproduct: product.idproduct });
    expect(event.stock).toContainEqual({ warehouseId: 1, freeStock: row.freestock });
    sub.dispose();
  });

  test('queries and mutations are refused over graphql-ws, before any upstream call: they belong on HTTP with its limits and audit', async () => {
    const before = stack.picqer.state.stats().total;
    for (const query of [
      '{ orders(first: 1) { edges { node { idorder email } } } }',
      'mutation { syncFreeStockToShopify(productcodes: ["PG-00001"]) { mutations } }',
    ]) {
      const sub = collect(wsClient(TOKENS.customers), query);
      await until(() => sub.completed || sub.error !== undefined, 'the refusal');
      expect(sub.items).toHaveLength(0);
      const errors = sub.error as Array<{ message: string; extensions?: { code?: string } }>;
      expect(errors[0].extensions?.code).toBe('BAD_REQUEST');
      expect(errors[0].message).toMatch(/Only subscriptions are served over graphql-ws/);
    }
    expect(stack.picqer.state.stats().total).toBe(before);
  });
});
