import type { CustomerRecord } from '../../src/sandbox/picqer/model';
import { TOKEN_SPEC, TOKENS } from '../security/support';
import { startStack, type TestStack } from '../helpers/stack';

/** Customers (personal data, scope customers:read) and an order's customer, against the Picqer sandbox. */

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ picqer: { products: 60, orders: 40 }, env: { GATEWAY_TOKENS: TOKEN_SPEC } });
});
afterAll(async () => {
  await stack?.close();
});

const asSchema = (c: CustomerRecord) => ({
  idcustomer: c.idcustomer,
  customerid: c.customerid,
  name: c.name,
  contactName: c.contactname,
  email: c.emailaddress,
  phone: c.telephone,
  addresses: c.addresses.map((a) => ({ street: a.address, zipcode: a.zipcode, city: a.city, country: a.country, defaultDelivery: a.defaultdelivery })),
});
const FIELDS = 'idcustomer customerid name contactName email phone addresses { street zipcode city country defaultDelivery }';

test('customer(id) answers the customer with customers:read, and is refused without it', async () => {
  const c = stack.picqer.state.customers[3];
  const ok = await stack.gql(`query($id: ID!) { customer(id: $id) { ${FIELDS} } }`, { id: String(c.idcustomer) }, { token: TOKENS.customers });
  expect(ok.body.errors).toBeUndefined();
  expect(ok.body.data!.customer).toEqual(asSchema(c));
  const refused = await stack.gql(`query($id: ID!) { customer(id: $id) { idcustomer } }`, { id: String(c.idcustomer) }, { token: TOKENS.orders });
  expect(refused.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  expect(JSON.stringify(refused.body)).not.toContain(c.name);
});

test('customers(search) pages through what Picqer finds', async () => {
  const { body } = await stack.gql(
    `{ customers(first: 20, search: "customer 1") { edges { node { customerid name } } pageInfo { hasNextPage } } }`,
    undefined,
    {
      token: TOKENS.customers,
    },
  );
  expect(body.errors).toBeUndefined();
  const expected = stack.picqer.state.customers.filter((c) => c.name.toLowerCase().includes('customer 1')).slice(0, 20);
  expect(body.data!.customers.edges.map((e: any) => e.node)).toEqual(expected.map((c) => ({ customerid: c.customerid, name: c.name })));
});

test("an order's customer needs customers:read; without it the order still comes, its customer refused", async () => {
  const order = stack.picqer.state.orders.find((o) => o.idcustomer !== null)!;
  const c = stack.picqer.state.customers.find((x) => x.idcustomer === order.idcustomer)!;
  const q = `query($id: ID!) { order(id: $id) { orderid customer { idcustomer name email } } }`;
  const ok = await stack.gql(q, { id: String(order.idorder) }, { token: TOKENS.customers });
  expect(ok.body.data!.order).toEqual({ orderid: order.orderid, customer: { idcustomer: c.idcustomer, name: c.name, email: c.emailaddress } });
  const partial = await stack.gql(q, { id: String(order.idorder) }, { token: TOKENS.orders });
  expect(partial.body.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
  expect(JSON.stringify(partial.body)).not.toContain(c.name);
});

test('a customer is read from Picqer for every request: never cached', async () => {
  const c = stack.picqer.state.customers[5];
  await stack.resetStats();
  for (let i = 0; i < 2; i++) {
    const { body } = await stack.gql(`query($id: ID!) { customer(id: $id) { name } }`, { id: String(c.idcustomer) }, { token: TOKENS.customers });
    expect(body.data!.customer.name).toBe(c.name);
  }
  expect((await stack.stats()).byPath['GET /api/v1/customers/:idcustomer']).toBe(2);
});
