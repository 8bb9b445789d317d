/**
 * Picqer's webhook events: every name a hook may subscribe to, and the ones the sandbox fires.
 *
 * The list is Picqer's webhooks page (picqer.com/en/api/webhooks). The stored copy of that page
 * could be read up to `picklist_batches.created`; the names after it (products, purchase orders,
 * receipts, returns, tasks, …) come from two public secondary sources that cite the page: the
 * event list of Pipedream's Picqer component and a Picqer webhooks overview. Those are
 * UNCONFIRMED against Picqer's own page (src/sandbox/README.md has the table). Picqer documents
 * no event for deactivating a product: an inactivated product fires `products.changed` here
 * (UNCONFIRMED).
 */

/** The free-stock event as Picqer's webhooks page spells it. */
export const FREE_STOCK_EVENT = 'products.free_stock_changed';
/**
 * Spelling used in this project's brief; accepted as an alias of FREE_STOCK_EVENT so hooks registered
 * either way receive free-stock deliveries (the envelope carries the name the hook registered).
 */
export const FREE_STOCK_EVENT_ALIAS = 'products.freestockchanged';

/** Read on the stored copy of Picqer's webhooks page. */
const FROM_PICQER_PAGE = [
  'comments.created',
  'movements.moved',
  'orders.created',
  'orders.allocated',
  'orders.closed',
  'orders.paused',
  'orders.resumed',
  'orders.status_changed',
  'orders.completed',
  'orders.notes.created',
  'picklists.created',
  'picklists.changed',
  'picklists.paused',
  'picklists.resumed',
  'picklists.closed',
  'picklists.cancelled',
  'picklists.shipments.created',
  'picklists.snoozed',
  'picklists.unsnoozed',
  'picklist_batches.created',
] as const;

/** Past the part of the page that could be read: from the secondary sources (UNCONFIRMED). */
const FROM_SECONDARY_SOURCES = [
  'picklists.shipments.cancelled',
  'picklist_batches.changed',
  'picklist_batches.completed',
  'products.created',
  'products.changed',
  FREE_STOCK_EVENT,
  'products.stock_changed',
  'products.assembled_stock_changed',
  'products.stock_on_location_changed',
  'products.parts.changed',
  'purchase_orders.created',
  'purchase_orders.changed',
  'purchase_orders.purchased',
  'purchase_orders.receipts.created',
  'receipts.created',
  'receipts.completed',
  'receipts.product_received',
  'receipts.product_reverted',
  'returns.created',
  'returns.changed',
  'returns.status_changed',
  'returns.products_received',
  'location_stock_counts.completed',
  'tasks.created',
  'tasks.changed',
  'tasks.deleted',
  'tasks.completed',
  'tasks.uncompleted',
  'webshop_orders.imported',
] as const;

/** Every event a hook may subscribe to: Picqer's documented list plus the free-stock alias. */
export const PICQER_HOOK_EVENTS: readonly string[] = [...FROM_PICQER_PAGE, ...FROM_SECONDARY_SOURCES, FREE_STOCK_EVENT_ALIAS];

/** The events the sandbox's state changes fire (the rest are accepted and never fired). */
export const FIRED_EVENTS = [
  'products.created',
  'products.changed',
  FREE_STOCK_EVENT,
  'products.stock_changed',
  'orders.created',
  'orders.closed',
  'orders.paused',
  'orders.resumed',
  'orders.status_changed',
  'orders.completed',
  'picklists.created',
  'picklists.changed',
  'picklists.paused',
  'picklists.resumed',
  'picklists.closed',
  'picklists.cancelled',
  // Fired by POST /picklists/{idpicklist}/shipments (warehouse-data.ts), with the shipment as data.
  'picklists.shipments.created',
] as const;

export type FiredEvent = (typeof FIRED_EVENTS)[number];
