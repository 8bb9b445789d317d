/**
 * Normalised events: what the receivers append to the event log and what subscriptions read.
 * They carry only what a screen needs (ids, codes, quantities, statuses) and never a name,
 * address, e-mail or phone number, so the log holds no personal data even though the
 * upstream deliveries do.
 */

/** The topics a subscriber can ask for; one per GraphQL subscription field. */
export const EVENT_TOPICS = ['freeStockChanged', 'picklistClosed', 'orderStatusChanged', 'channelStockChanged', 'shipmentCreated'] as const;
export type EventTopic = (typeof EVENT_TOPICS)[number];

/** Stock of one product in one warehouse at the moment of the event. */
export interface StockLevelPayload {
  warehouseId: number;
  stock: number;
  reserved: number;
  freeStock: number;
}

/** Picqer `products.freestockchanged`. */
export interface StockChangePayload {
  idproduct: number;
  productcode: string;
  /** Free stock summed over every warehouse in the delivery. */
  freeStock: number;
  stock: StockLevelPayload[];
  /** ISO 8601 (UTC) or null when the delivery carried no usable time. */
  occurredAt: string | null;
}

/** Picqer `picklists.closed`. */
export interface PicklistPayload {
  idpicklist: number;
  picklistid: string;
  warehouseId: number | null;
  status: string;
  closedAt: string | null;
  idorder: number | null;
}

/** Picqer `orders.status_changed`. */
export interface OrderPayload {
  idorder: number;
  orderid: string;
  /** Picqer's status value, e.g. "processing" (the OrderStatus enum's internal value). */
  status: string;
}

/** Shopify `inventory_levels/update`. Ids are strings: Shopify's exceed 2^53. */
export interface ChannelStockPayload {
  /** The shop; absent in events logged before channels existed (then Shopify's). */
  channel?: 'SHOPIFY' | 'LIGHTSPEED';
  inventoryItemId: string;
  locationId: string;
  /** Null when Shopify sends no available quantity (e.g. an untracked item). */
  available: number | null;
  /** Shopify's delivery carries no SKU; null until something resolves it. */
  sku: string | null;
  occurredAt: string | null;
}

/** Picqer `picklists.shipments.created`: the carrier and the parcel's track & trace, no address. */
export interface ShipmentPayload {
  /** Null when the delivery carries the picklist rather than the shipment (UNCONFIRMED which Picqer sends). */
  idshipment: number | null;
  idpicklist: number;
  idorder: number | null;
  carrier: string | null;
  trackingCode: string | null;
  trackingUrl: string | null;
  occurredAt: string | null;
}

export interface PayloadByTopic {
  freeStockChanged: StockChangePayload;
  picklistClosed: PicklistPayload;
  orderStatusChanged: OrderPayload;
  channelStockChanged: ChannelStockPayload;
  shipmentCreated: ShipmentPayload;
}

/** An event before it has an id: what a receiver appends. */
export type NewEvent = { [T in EventTopic]: { topic: T; payload: PayloadByTopic[T] } }[EventTopic];

/**
 * An event in the log. `id` is the log id ("<ms>-<seq>"), ordered, and what `after` takes.
 * `trace` is the W3C traceparent of the webhook delivery that appended it, when tracing was on:
 * the fan-out's span links to it (util/tracing.ts).
 */
export type GatewayEvent = NewEvent & { id: string; trace?: string };

/** A GatewayEvent of one topic. */
export type GatewayEventOf<T extends EventTopic> = { id: string; topic: T; payload: PayloadByTopic[T] };
