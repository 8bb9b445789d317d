import type { PurchaseOrderRecord } from '../../src/sandbox/picqer/warehouse-model';
import { startStack, type TestStack } from '../helpers/stack';

/** Incoming stock from open purchase orders, and the purchase orders themselves, against the Picqer sandbox. */

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ picqer: { products: 120, orders: 30 }, env: { CACHE_ENABLED: 'false' } });
});
afterAll(async () => {
  await stack?.close();
});

const orders = (): PurchaseOrderRecord[] => stack.picqer.state.warehouse.seed.purchaseOrders;

/** What a product has on its way, from the sandbox's own data, soonest first. */
function expectedIncoming(idproduct: number) {
  const rows = orders()
    .filter((po) => po.status === 'purchased')
    .flatMap((po) =>
      po.products
        .filter((l) => l.idproduct === idproduct && l.amount > l.amountreceived)
        .map((l) => ({ amount: l.amount - l.amountreceived, expectedAt: l.delivery_date ?? po.delivery_date, po })),
    );
  return rows.sort((a, b) => (a.expectedAt ?? '9999').localeCompare(b.expectedAt ?? '9999'));
}

const supplierName = (po: PurchaseOrderRecord) => po.supplier_name ?? stack.picqer.state.warehouse.supplier(po.idsupplier!)!.name;

test('a product shows the stock its open purchase orders bring, with order and supplier', async () => {
  const counts = new Map<number, number>();
  for (const po of orders()) if (po.status === 'purchased') for (const l of po.products) counts.set(l.idproduct, (counts.get(l.idproduct) ?? 0) + 1);
  const idproduct = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const { body } = await stack.gql(
    `query($id: ID!) { product(id: $id) { incoming { amount expectedAt purchaseOrder { purchaseorderid status supplier { idsupplier name } } } } }`,
    { id: String(idproduct) },
  );
  expect(body.errors).toBeUndefined();
  expect(body.data!.product.incoming).toEqual(
    expectedIncoming(idproduct).map((x) => ({
      amount: x.amount,
      expectedAt: x.expectedAt,
      purchaseOrder: { purchaseorderid: x.po.purchaseorderid, status: 'PURCHASED', supplier: { idsupplier: x.po.idsupplier, name: supplierName(x.po) } },
    })),
  );
});

test('a page of products reads the open purchase orders once and the suppliers once', async () => {
  await stack.resetStats();
  const { body } = await stack.gql(
    `{ products(first: 100) { edges { node { idproduct incoming { amount purchaseOrder { supplier { idsupplier name } } } } } } }`,
  );
  expect(body.errors).toBeUndefined();
  const nodes = body.data!.products.edges.map((e: any) => e.node);
  for (const n of nodes) expect(n.incoming.map((i: any) => i.amount)).toEqual(expectedIncoming(n.idproduct).map((x) => x.amount));
  const suppliers = new Set(nodes.flatMap((n: any) => n.incoming.map((i: any) => i.purchaseOrder.supplier.idsupplier)).filter((x: unknown) => x !== null));
  const byPath = (await stack.stats()).byPath;
  expect(byPath['GET /api/v1/purchaseorders']).toBe(1);
  expect(suppliers.size).toBeGreaterThan(1);
  expect(byPath['GET /api/v1/suppliers']).toBe(1);
  expect(byPath['GET /api/v1/suppliers/:idsupplier']).toBeUndefined();
  expect(byPath['GET /api/v1/products']).toBe(1);
});

test('purchaseOrders pages through every purchase order and filters by status', async () => {
  const all = await stack.gql(`{ purchaseOrders(first: 100) { edges { node { idpurchaseorder status } } pageInfo { hasNextPage } } }`);
  expect(all.body.data!.purchaseOrders.edges.map((e: any) => e.node.idpurchaseorder)).toEqual(orders().map((po) => po.idpurchaseorder));
  expect(all.body.data!.purchaseOrders.pageInfo.hasNextPage).toBe(false);
  const open = await stack.gql(`{ purchaseOrders(first: 5, status: PURCHASED) { edges { node { purchaseorderid status expectedAt } } } }`);
  const expected = orders()
    .filter((po) => po.status === 'purchased')
    .slice(0, 5)
    .map((po) => ({ purchaseorderid: po.purchaseorderid, status: 'PURCHASED', expectedAt: po.delivery_date }));
  expect(open.body.data!.purchaseOrders.edges.map((e: any) => e.node)).toEqual(expected);
});
