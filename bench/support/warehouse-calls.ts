/**
 * `npm run bench -- calls` cases for bundles, incoming stock, shipments and customers (issue 19),
 * with the fewest Picqer calls the API allows for each answer:
 * - a composition's parts: one call per composition (Picqer has no multi-product parts filter); the
 *   parts' products 100 ids a call, none for a part already on the page;
 * - incoming stock: the open purchase orders, 100 a call, for the whole page;
 * - an order's shipments: its picklists (one `idorder` call), then one call per picklist;
 * - suppliers: their list, one call per 100 (an account has few);
 * - a customer: one call (no multi-id filter).
 */

/** Bundles the bench's Picqer sandbox seeds (after its 2,000 catalog products). */
export const BENCH_BUNDLES = 5;
const CATALOG = 2000;

const cursor = (offset: number): string => Buffer.from(`o:${offset - 1}`).toString('base64url');
const per = (n: number, size: number): number => Math.ceil(n / size);
const GENERAL_STOCK = 1;

interface Case {
  name: string;
  query: string;
  minimum(data: any): { picqer: number };
}

export const WAREHOUSE_CASES: Case[] = [
  {
    name: 'a page of 5 bundles with parts and the free stock they allow',
    query: `{ products(first: ${BENCH_BUNDLES}, after: "${cursor(CATALOG)}") { edges { node { productcode type freeStock
      stock { warehouse { name } freeStock } parts { amount product { productcode freeStock } } } } } }`,
    minimum: (d) => {
      const nodes = d.products.edges.map((e: any) => e.node);
      const onPage = new Set(nodes.map((n: any) => n.productcode));
      const bundles = nodes.filter((n: any) => n.type === 'VIRTUAL_COMPOSITION').length;
      const partsOff = new Set(nodes.flatMap((n: any) => n.parts.map((p: any) => p.product.productcode)).filter((c: string) => !onPage.has(c)));
      return { picqer: 1 /* page */ + bundles /* parts lists */ + per(partsOff.size, 100) + GENERAL_STOCK };
    },
  },
  {
    name: '100 products with incoming stock (open purchase orders and their suppliers)',
    query: `{ products(first: 100) { edges { node { productcode freeStock
      incoming { amount expectedAt purchaseOrder { purchaseorderid status supplier { idsupplier name } } } } } } }`,
    minimum: (d) => {
      const incoming = d.products.edges.flatMap((e: any) => e.node.incoming);
      const suppliers = new Set(incoming.map((i: any) => i.purchaseOrder.supplier?.idsupplier).filter((id: unknown) => id != null));
      // The page, the warehouses, the open purchase orders (fewer than 100 here), the suppliers (a list of 5) if one is linked.
      return { picqer: 1 + GENERAL_STOCK + 1 + (suppliers.size > 0 ? 1 : 0) };
    },
  },
  {
    name: 'an order with shipments (track & trace) and its customer',
    query: `{ order(id: "5001") { orderid status shipments { carrier trackingCode trackingUrl createdAt } customer { name email } } }`,
    // The order; its picklists (one idorder call); each picklist's shipments (the seed's picklists are
    // closed with one shipment each, so one call per shipment listed); the customer.
    minimum: (d) => ({ picqer: 1 + 1 + d.order.shipments.length + (d.order.customer ? 1 : 0) }),
  },
];
