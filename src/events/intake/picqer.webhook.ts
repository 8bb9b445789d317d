import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../../logger';
import { OrderStatus, PicklistStatus } from '../../schema/enums';
import type { AppendResult, EventLog } from '../log/event-log.types';
import type { NewEvent, OrderPayload, PicklistPayload, StockChangePayload } from '../log/event.types';
import { MAX_PRODUCTCODE_LENGTH } from '../../util/productcodes';
import type { PicqerCacheEffect, PicqerCacheEffects } from '../../datasources/picqer/cache-effects';
import { picqerCacheEffect, PICQER_STOCK_EVENTS } from './picqer.effects';
import { id, INT_MAX, INT_MIN, list, obj, oneOf, optId, optTime, parseJson, qty, str } from './delivery-fields';
import { verifyBase64Hmac } from './signature';
import { appendBundleEvents, type PicqerBundleEvents } from './picqer-bundles';
import { shipmentCreated } from './picqer-shipments';
import { BadSignatureError, DEFAULT_WEBHOOK_BODY_LIMIT, MalformedDeliveryError, registerWebhookRoute } from './webhook-route';

/*
 * Picqer's webhooks: the receiver (`POST /webhooks/picqer`) and the reading of its deliveries into
 * normalised events.
 */

export const PICQER_SIGNATURE_HEADER = 'x-picqer-signature';

export interface PicqerWebhookOptions {
  /** The hook secret given to Picqer when the hook was created. */
  secret: string;
  log: EventLog;
  logger: Logger;
  /** Default 256 KiB. */
  bodyLimitBytes?: number;
  /**
   * Time zone of Picqer's zone-less timestamps (`event_triggered_at`, `closed_at`). Default
   * 'Europe/Amsterdam': Picqer does not document it, its examples are Dutch local times
   * (UNCONFIRMED; the sandbox writes the same by default, see src/sandbox/README.md).
   */
  timeZone?: string;
  /** How repeats are recognised; see PicqerDedupeMode. Default 'body'. */
  dedupe?: PicqerDedupeMode;
  /** Default '/webhooks/picqer'. */
  path?: string;
  /** The shared cache's receiver side; without it deliveries only feed the event log. */
  cache?: PicqerCacheEffects;
  /** Bundles' free stock from their parts' deliveries (picqer-bundles.ts); without it bundles get no events. */
  bundles?: PicqerBundleEvents;
}

/**
 * `POST /webhooks/picqer`: verifies `X-Picqer-Signature` (base64 HMAC-SHA256 of the raw body with
 * the hook secret), validates and normalises the delivery, appends it to the event log with its
 * dedupe key, and only then answers 200 `{ id, duplicate }`. Picqer retries anything but
 * 200/201/202, so an acknowledged delivery is always in the log. Events we do not use get 202.
 */
export function registerPicqerWebhooks(app: FastifyInstance, opts: PicqerWebhookOptions): void {
  if (!opts.secret) throw new TypeError('registerPicqerWebhooks: secret is required (the hook secret Picqer signs with).');
  const timeZone = opts.timeZone ?? 'Europe/Amsterdam';
  const dedupe = opts.dedupe ?? 'body';
  registerWebhookRoute(app, {
    path: opts.path ?? '/webhooks/picqer',
    bodyLimitBytes: opts.bodyLimitBytes ?? DEFAULT_WEBHOOK_BODY_LIMIT,
    logger: opts.logger,
    async handle(req, raw) {
      const signature = req.headers[PICQER_SIGNATURE_HEADER];
      const header = Array.isArray(signature) ? signature[0] : signature;
      if (!verifyBase64Hmac(raw, opts.secret, header)) throw new BadSignatureError('X-Picqer-Signature', !header);
      const delivery = parsePicqerDelivery(parseJson(raw), raw, { timeZone, dedupe });
      if (opts.bundles?.invalidatesOn(delivery.event)) opts.bundles.invalidate();
      const effect = opts.cache ? delivery.effect : null;
      if (!delivery.normalised && !effect) {
        opts.logger.debug({ event: delivery.event }, 'picqer webhook: event not used, ignored');
        return { status: 202, body: { ignored: true, event: delivery.event } };
      }
      // The cache first: by the time the event is in the log (and so on its way to subscribers),
      // no replica serves what it replaced. The append goes out right behind the cache write.
      const normalised = delivery.normalised;
      if (!normalised) {
        await opts.cache!.apply(effect!, delivery.dedupeKey);
        return { status: 200, body: { cached: true, event: delivery.event } };
      }
      const append = (): Promise<AppendResult> => opts.log.append(normalised, [delivery.dedupeKey]);
      const stored = effect ? await opts.cache!.applyThen(effect, delivery.dedupeKey, append) : await append();
      // A repeat may carry older stock than a delivery applied since: drop rather than trust it.
      if (effect && stored.duplicate) await opts.cache!.distrust(effect);
      opts.logger.debug({ event: delivery.event, id: stored.id, duplicate: stored.duplicate }, 'picqer webhook stored');
      if (opts.bundles && !stored.duplicate && normalised.topic === 'freeStockChanged') {
        await appendBundleEvents(opts.bundles, opts.log, opts.logger, normalised.payload, delivery.dedupeKey);
      }
      return { status: 200, body: { id: stored.id, duplicate: stored.duplicate } };
    },
  });
}

/**
 * Picqer webhook events this gateway turns into subscriptions, as Picqer's event list and
 * integrations in the wild spell them. The issue wrote "products.freestockchanged"; that
 * spelling is accepted on receipt as an alias but never registered.
 */
export const PICQER_EVENTS = {
  freeStockChanged: 'products.free_stock_changed',
  picklistClosed: 'picklists.closed',
  orderStatusChanged: 'orders.status_changed',
  shipmentCreated: 'picklists.shipments.created',
} as const;
const FREE_STOCK_ALIAS = 'products.freestockchanged';

/** The hooks `ensurePicqerHooks` registers by default (with the parts event that keeps the bundle index right). */
export const PICQER_HOOK_EVENTS: string[] = [...Object.values(PICQER_EVENTS), 'products.parts.changed'];

/**
 * How a Picqer delivery is recognised as a repeat.
 * - 'body' (default): sha256 of the raw body. A retry resends the same delivery, so the same
 *   bytes; two real changes of one product within the same second differ in their data, so they
 *   stay two events. (UNCONFIRMED that Picqer retries byte-for-byte; if it re-serialises, the worst
 *   case is a repeated event carrying the same state, harmless for a stock screen.)
 * - 'fields': sha256 of idhook + event + event_triggered_at + the resource id. Robust to
 *   re-serialisation, but `event_triggered_at` has one-second resolution, so a second stock change
 *   of the same product in the same second would be dropped as a duplicate: wrong stock on screen.
 */
export type PicqerDedupeMode = 'body' | 'fields';

export interface ParsedPicqerDelivery {
  event: string;
  /** The subscription event, or null for an event no subscription carries. */
  normalised: NewEvent | null;
  /** What the delivery does to the shared cache, or null. Neither: the event is not used (202). */
  effect: PicqerCacheEffect | null;
  dedupeKey: string;
}

/** Most warehouses one stock delivery may list; real accounts have a handful. */
const MAX_STOCK_ROWS = 1000;
/** Product codes, and picklist and order numbers with them, follow the product-code bound. */
const MAX_CODE_LENGTH = MAX_PRODUCTCODE_LENGTH;

/**
 * Validates a parsed delivery against the shape Picqer documents and normalises it; throws
 * MalformedDeliveryError naming the bad field. Ids are 1…2^31−1 and quantities fit GraphQL's Int
 * (they reach subscribers as Int); stock and reservations are not negative (Picqer's stock cannot
 * go below zero), while free stock may be (reservations above stock). Validation stops at what the
 * gateway stores: a field it does not read is not judged, so a richer delivery is never refused
 * (a refused real delivery is retried for hours and then deactivates the hook).
 */
export function parsePicqerDelivery(body: unknown, raw: Buffer, opts: { timeZone: string; dedupe: PicqerDedupeMode }): ParsedPicqerDelivery {
  const d = obj(body, 'body');
  const idhook = id(d.idhook, 'idhook');
  const event = str(d.event, 'event', 100);
  // Picqer's own free-stock example omits event_triggered_at, so it may be absent; when present it
  // must be a time, since it becomes the event's occurredAt.
  const occurredAt = optTime(d.event_triggered_at, 'event_triggered_at', opts.timeZone);
  const triggeredAt = typeof d.event_triggered_at === 'string' ? d.event_triggered_at : '';
  const data = obj(d.data, 'data');
  const name = event === FREE_STOCK_ALIAS ? PICQER_EVENTS.freeStockChanged : event;
  const normalised = normalise(name, data, occurredAt, opts.timeZone);
  const stock =
    normalised?.topic === 'freeStockChanged'
      ? normalised.payload
      : (PICQER_STOCK_EVENTS as readonly string[]).includes(name)
        ? stockChange(data, occurredAt)
        : null;
  const effect = picqerCacheEffect(name, data, stock);
  const identity = opts.dedupe === 'fields' ? `${idhook}|${event}|${triggeredAt}|${normalised ? resourceId(normalised) : ''}` : raw;
  return { event, normalised, effect, dedupeKey: `picqer:${createHash('sha256').update(identity).digest('hex')}` };
}

/** The delivery's `data` as the event of its kind, or null for an event this gateway does not use. */
function normalise(event: string, data: Record<string, unknown>, occurredAt: string | null, timeZone: string): NewEvent | null {
  switch (event) {
    case PICQER_EVENTS.freeStockChanged:
      return { topic: 'freeStockChanged', payload: stockChange(data, occurredAt) };
    case PICQER_EVENTS.picklistClosed:
      return { topic: 'picklistClosed', payload: closedPicklist(data, occurredAt, timeZone) };
    case PICQER_EVENTS.orderStatusChanged:
      return { topic: 'orderStatusChanged', payload: orderStatus(data) };
    case PICQER_EVENTS.shipmentCreated:
      return { topic: 'shipmentCreated', payload: shipmentCreated(data, occurredAt) };
    default:
      return null;
  }
}

function stockChange(data: Record<string, unknown>, occurredAt: string | null): StockChangePayload {
  if (!Array.isArray(data.stock)) throw new MalformedDeliveryError('data.stock must be an array of stock per warehouse.');
  const stock = list(data.stock, 'data.stock', MAX_STOCK_ROWS).map((r, i) => {
    const row = obj(r, `data.stock[${i}]`);
    return {
      warehouseId: id(row.idwarehouse, `data.stock[${i}].idwarehouse`),
      stock: qty(row.stock ?? 0, `data.stock[${i}].stock`, 0),
      reserved: qty(row.reserved ?? 0, `data.stock[${i}].reserved`, 0),
      freeStock: qty(row.freestock, `data.stock[${i}].freestock`),
    };
  });
  const freeStock = stock.reduce((sum, s) => sum + s.freeStock, 0);
  // Each row fits an Int, their sum need not; the sum is a subscriber's Int too.
  if (freeStock < INT_MIN || freeStock > INT_MAX) {
    throw new MalformedDeliveryError(`data.stock: the free stock summed over warehouses must be from ${INT_MIN} to ${INT_MAX}.`);
  }
  const idproduct = id(data.idproduct, 'data.idproduct');
  return { idproduct, productcode: str(data.productcode, 'data.productcode', MAX_CODE_LENGTH), freeStock, stock, occurredAt };
}

function closedPicklist(data: Record<string, unknown>, occurredAt: string | null, timeZone: string): PicklistPayload {
  return {
    idpicklist: id(data.idpicklist, 'data.idpicklist'),
    picklistid: str(data.picklistid, 'data.picklistid', MAX_CODE_LENGTH),
    warehouseId: optId(data.idwarehouse, 'data.idwarehouse'),
    status: oneOf(data.status, 'data.status', Object.values(PicklistStatus)),
    closedAt: optTime(data.closed_at, 'data.closed_at', timeZone) ?? occurredAt,
    idorder: optId(data.idorder, 'data.idorder'),
  };
}

/** Only ids and the status: the order's names and addresses never enter the log. */
function orderStatus(data: Record<string, unknown>): OrderPayload {
  return {
    idorder: id(data.idorder, 'data.idorder'),
    orderid: str(data.orderid, 'data.orderid', MAX_CODE_LENGTH),
    status: oneOf(data.status, 'data.status', Object.values(OrderStatus)),
  };
}

/** The Picqer resource an event is about (for the 'fields' dedupe key). */
function resourceId(event: NewEvent): number | string {
  switch (event.topic) {
    case 'freeStockChanged':
      return event.payload.idproduct;
    case 'picklistClosed':
      return event.payload.idpicklist;
    case 'orderStatusChanged':
      return event.payload.idorder;
    case 'shipmentCreated':
      return event.payload.idshipment ?? event.payload.idpicklist;
    default:
      return '';
  }
}
