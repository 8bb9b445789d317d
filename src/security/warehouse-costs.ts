import { MAX_PAGE_SIZE } from '../schema/common/pagination.args';

const PICQER_PAGE = 100;

/**
 * What the fields of bundles, incoming stock, shipments, customers, backorders and stock locations
 * cost (issue 19; src/datasources/picqer/warehouse-loaders.ts fetches them), merged into FIELD_COSTS
 * (query-cost.ts checks them against its FieldCost there; typed here by `as const` alone, so the two
 * modules do not import each other).
 */
export const WAREHOUSE_FIELD_COSTS = {
  // A composition's parts one call each (no multi-product filter), their products 100 ids a call.
  // (A bundle's stock asks the same parts calls; the estimate counts them where `parts` is asked.)
  'Product.parts': { kind: 'perRow' },
  'ProductPart.product': { kind: 'batch', batchSize: PICQER_PAGE },
  // The open purchase orders once per request (100 a call), the suppliers' list likewise.
  'Product.incoming': { kind: 'once', key: 'picqer:open-purchaseorders', rows: 2 },
  'Query.purchaseOrders': { kind: 'page', pageSize: PICQER_PAGE, maxFirst: MAX_PAGE_SIZE },
  'PurchaseOrder.supplier': { kind: 'once', key: 'picqer:suppliers', rows: 1 },
  // One call per picklist; an order's picklists one call, then theirs (estimated as one per order).
  'Picklist.shipments': { kind: 'perRow' },
  'Order.shipments': { kind: 'perRow' },
  // Customers: one call each (no multi-id filter), a list 100 a call.
  'Query.customer': { kind: 'single' },
  'Query.customers': { kind: 'page', pageSize: PICQER_PAGE, maxFirst: MAX_PAGE_SIZE },
  'Order.customer': { kind: 'perRow' },
  // Backorders: a list 100 a call (a product code costs its lookup), a product's one call each.
  'Query.backorders': { kind: 'page', pageSize: PICQER_PAGE, maxFirst: MAX_PAGE_SIZE },
  'Product.backorders': { kind: 'perRow' },
  'Backorder.product': { kind: 'batch', batchSize: PICQER_PAGE },
  // Stock per location: one call per product and warehouse.
  'StockLevel.locations': { kind: 'perRow' },
} as const;
