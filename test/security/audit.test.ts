import { startSecurityStack, TOKENS, type SecurityStack } from './support';

/** The audit log: one record per personal-data read (or attempt) and per mutation, never the data. */
let stack: SecurityStack;
beforeAll(async () => {
  stack = await startSecurityStack();
});
afterAll(async () => {
  await stack?.close();
});

interface Audit {
  log: string;
  time: string;
  type: string;
  who: string;
  requestId: string;
  operation: { type: string; name: string | null };
  personalFields: string[];
  ids: string[];
  mutationFields: string[];
  outcome: string;
  errorCodes: string[];
}

const newRecords = async (fn: () => Promise<unknown>): Promise<Audit[]> => {
  const before = stack.audit.lines.length;
  await fn();
  return stack.audit.records<Audit>().slice(before);
};

describe('audit log', () => {
  it('writes one record for a read of personal data: who, what, which ids, outcome, no values', async () => {
    const orders = stack.sandbox.state.store.orders.slice(0, 2);
    let answer: any;
    const recs = await newRecords(async () => {
      answer = await stack.gql(`query OrderScreen { orders(first: 2) { edges { node { orderid email deliveryAddress { name city } } } } }`, { token: TOKENS.customers });
    });
    expect(answer.body.errors).toBeUndefined();
    expect(recs).toHaveLength(1);
    const r = recs[0];
    expect(r).toMatchObject({
      log: 'audit',
      type: 'audit',
      who: 'privacy-ok',
      operation: { type: 'query', name: 'OrderScreen' },
      personalFields: ['Address.city', 'Address.name', 'Order.deliveryAddress', 'Order.email'],
      mutationFields: [],
      outcome: 'ok',
      errorCodes: [],
    });
    expect(new Date(r.time).getTime()).not.toBeNaN();
    expect(r.requestId).toMatch(/\S/);
    expect(r.ids.sort()).toEqual(orders.map((o) => `Order:${o.idorder}`).sort());
    const line = JSON.stringify(r);
    for (const o of orders) {
      for (const v of [o.emailaddress, o.deliveryname, o.deliverycity]) if (v) expect(line).not.toContain(v);
    }
    expect(line).not.toContain(TOKENS.customers);
  });

  it('writes one record for a mutation: who, which mutation, which product codes, outcome', async () => {
    let answer: any;
    const recs = await newRecords(async () => {
      answer = await stack.gql('mutation Push { syncFreeStockToShopify(productcodes: ["PG-00001", "PG-00002"]) { mutations } }', { token: TOKENS.writer });
    });
    // Shopify is not configured in this stack: the mutation fails, and the failure is audited too.
    expect(answer.body.errors?.[0].extensions?.code).toBe('UPSTREAM_NOT_CONFIGURED');
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({
      who: 'pusher',
      operation: { type: 'mutation', name: 'Push' },
      mutationFields: ['syncFreeStockToShopify'],
      personalFields: [],
      outcome: 'error',
      errorCodes: ['UPSTREAM_NOT_CONFIGURED'],
    });
    expect(recs[0].ids.sort()).toEqual(['PG-00001', 'PG-00002'].map((c) => expect.stringContaining(c)));
  });

  it('records a refused attempt as denied', async () => {
    const recs = await newRecords(() => stack.gql(`{ orders(first: 1) { edges { node { orderid phone } } } }`, { token: TOKENS.orders }));
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ who: 'orderdesk', operation: { type: 'query', name: null }, personalFields: ['Order.phone'], outcome: 'denied', errorCodes: ['FORBIDDEN'] });
  });

  it('writes nothing for reads without personal data', async () => {
    const recs = await newRecords(() => stack.gql(`{ orders(first: 3) { edges { node { orderid status } } } warehouses { name } }`, { token: TOKENS.orders }));
    expect(recs).toEqual([]);
  });

  it('writes nothing when the upstream failed before any personal field resolved', async () => {
    stack.sandbox.state.setFaults({ status: 500, count: 10 });
    try {
      const recs = await newRecords(() => stack.gql(`{ order(id: "${stack.sandbox.state.store.orders[3].idorder}") { email } }`, { token: TOKENS.customers }));
      // The order itself failed, so no personal field was resolved: nothing was read, nothing to audit.
      expect(recs).toEqual([]);
    } finally {
      stack.sandbox.state.setFaults({});
    }
  });
});
