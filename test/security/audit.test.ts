import { parse, type OperationDefinitionNode } from 'graphql';
import { request } from 'undici';
import { getSchema } from '../../src/build-schema';
import { auditedFields } from '../../src/security/audited-fields';
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
    const orders = stack.picqer.state.store.orders.slice(0, 2);
    let answer: any;
    const recs = await newRecords(async () => {
      answer = await stack.gql(`query OrderScreen { orders(first: 2) { edges { node { orderid email deliveryAddress { name city } } } } }`, {
        token: TOKENS.customers,
      });
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
    expect(recs[0]).toMatchObject({
      who: 'orderdesk',
      operation: { type: 'query', name: null },
      personalFields: ['Order.phone'],
      outcome: 'denied',
      errorCodes: ['FORBIDDEN'],
    });
  });

  it('writes nothing for reads without personal data', async () => {
    const recs = await newRecords(() => stack.gql(`{ orders(first: 3) { edges { node { orderid status } } } warehouses { name } }`, { token: TOKENS.orders }));
    expect(recs).toEqual([]);
  });

  it('records a read refused at the parent field as denied: the personal field never ran but was asked for', async () => {
    // stock:read only: `orders` itself is refused, so `email`'s resolver is never reached.
    const before = stack.picqer.state.stats().total;
    let answer: any;
    const recs = await newRecords(async () => {
      answer = await stack.gql(`query Peek { orders(first: 1) { edges { node { orderid email } } } }`, { token: TOKENS.stock });
    });
    expect(answer.body.errors?.map((e: any) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({
      who: 'stockreader',
      operation: { type: 'query', name: 'Peek' },
      personalFields: ['Order.email'],
      ids: [],
      outcome: 'denied',
      errorCodes: ['FORBIDDEN'],
    });
    expect(stack.picqer.state.stats().total).toBe(before);
  });

  it('records a personal-data read that failed upstream as an error, with no ids (nothing was read)', async () => {
    const faults = async (body: object): Promise<void> => {
      const r = await request(`${stack.picqer.origin}/__sandbox/config`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(r.statusCode).toBe(200);
      await r.body.dump();
    };
    await faults({ faults: { status: 500, count: 10, path: '/api/v1/orders' } });
    try {
      let answer: any;
      const recs = await newRecords(async () => {
        answer = await stack.gql(`{ order(id: "${stack.picqer.state.store.orders[3].idorder}") { email } }`, { token: TOKENS.customers });
      });
      expect(answer.body.errors?.[0].extensions?.code).toBe('UPSTREAM_ERROR');
      expect(recs).toHaveLength(1);
      expect(recs[0]).toMatchObject({ who: 'privacy-ok', personalFields: ['Order.email'], ids: [], outcome: 'error', errorCodes: ['UPSTREAM_ERROR'] });
    } finally {
      await faults({ faults: {} });
    }
  });

  it('finds personal fields behind fragments and aliases, once each, and not where @skip/@include leave them out', async () => {
    const query = `
      query Fragments($withPhone: Boolean!) {
        a: orders(first: 1) { edges { node { ...Contact } } }
        b: orders(first: 1) { edges { node { ...Contact ... on Order { phone @include(if: $withPhone) invoiceAddress @skip(if: true) { city } } } } }
      }
      fragment Contact on Order { orderid mail: email deliveryAddress { ...Place } }
      fragment Place on Address { city }`;
    const withPhone = await newRecords(() => stack.gql(query, { token: TOKENS.customers, variables: { withPhone: true } }));
    expect(withPhone).toHaveLength(1);
    expect(withPhone[0].personalFields).toEqual(['Address.city', 'Order.deliveryAddress', 'Order.email', 'Order.phone']);
    const without = await newRecords(() => stack.gql(query, { token: TOKENS.customers, variables: { withPhone: false } }));
    expect(without[0].personalFields).toEqual(['Address.city', 'Order.deliveryAddress', 'Order.email']);
    const skipped = await newRecords(() => stack.gql(`{ orders(first: 1) { edges { node { orderid email @skip(if: true) } } } }`, { token: TOKENS.customers }));
    expect(skipped).toEqual([]);
  });

  it.each([['B'], ['']])('answers an operationName that matches nothing (%p) with a clean 400 and writes nothing', async (operationName) => {
    let r: any;
    const recs = await newRecords(async () => {
      r = await request(`${stack.gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.customers}` },
        body: JSON.stringify({
          query: 'query A { orders(first: 1) { edges { node { email } } } } mutation M { syncFreeStockToShopify(productcodes: ["PG-00001"]) { mutations } }',
          operationName,
        }),
      });
    });
    expect(r.statusCode).toBe(400);
    const body = await r.body.json();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions.code).not.toBe('INTERNAL_SERVER_ERROR');
    expect(recs).toEqual([]);
    expect(stack.logs.records<{ level: number }>().filter((l) => l.level >= 50)).toEqual([]);
  });
});

describe('personal fields of a document', () => {
  it('walks each fragment once, so fan-out documents cost their size, not their expansion', async () => {
    const schema = await getSchema();
    // F0 spreads F1 ten times, F1 spreads F2 ten times, ...: 10^24 paths if expanded, 25 fragments walked.
    const fragments = Array.from({ length: 24 }, (_, i) => `fragment F${i} on Order { ${`...F${i + 1} `.repeat(10)} }`);
    const document = parse(`{ orders(first: 1) { edges { node { ...F0 } } } } ${fragments.join(' ')} fragment F24 on Order { email deliveryAddress { city } }`);
    const operation = document.definitions[0] as OperationDefinitionNode;
    expect(auditedFields(schema, document, operation)).toEqual({ personal: ['Address.city', 'Order.deliveryAddress', 'Order.email'], mutationFields: [] });
  });

  it('names the root fields of a mutation, also through a fragment on Mutation', async () => {
    const schema = await getSchema();
    const document = parse('mutation { ...Push } fragment Push on Mutation { syncFreeStockToShopify(productcodes: ["PG-00001"]) { mutations } }');
    expect(auditedFields(schema, document, document.definitions[0] as OperationDefinitionNode)).toEqual({
      personal: [],
      mutationFields: ['syncFreeStockToShopify'],
    });
  });
});
