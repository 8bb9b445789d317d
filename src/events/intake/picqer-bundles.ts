import { composeStock, MAX_COMPOSITION_DEPTH } from '../../datasources/picqer/bundle-stock';
import { PICQER_PAGE_SIZE, type PicqerClient } from '../../datasources/picqer/client';
import { toProduct } from '../../datasources/picqer/map';
import type { PicqerStockLevelModel } from '../../datasources/picqer/model';
import { warehouseCalls } from '../../datasources/picqer/warehouse-calls';
import type { Logger } from '../../logger';
import type { EventLog } from '../log/event-log.types';
import type { NewEvent, StockChangePayload } from '../log/event.types';

/**
 * `freeStockChanged` for bundles. Picqer keeps no stock for a virtual composition, so no free-stock
 * delivery ever names one; its stock moves when a part's does. This keeps an index of every virtual
 * composition, its parts and the last known stock of each, and turns a part's free-stock delivery
 * into one event per bundle whose stock it moved (nested bundles included), with the bundle's
 * stock computed as the queries compute it (bundle-stock.ts).
 *
 * The index is read from Picqer on the first delivery and again after `ttlMs` or after an event
 * that changes what the compositions hold (`products.parts.changed`, a product created or changed):
 * all virtual compositions a page of 100 a call, their parts one call each, the parts' stock 100
 * ids a call. Between readings every part's stock follows the deliveries this replica receives.
 * Each replica keeps its own; a delivery reaches one replica, whose events reach every subscriber
 * through the log. A replica that missed a part's delivery compares with an older stock until its
 * next reading (so it may send one event too many, never a wrong stock).
 */
export interface PicqerBundleEvents {
  /** Whether a delivery of this event makes the index stale. */
  invalidatesOn(event: string): boolean;
  /** The index is read again before the next stock change is judged. */
  invalidate(): void;
  /** The events of the bundles whose stock this change of a part moved; [] for a product in no bundle. */
  afterStockChange(change: StockChangePayload): Promise<NewEvent[]>;
}

export interface PicqerBundleEventsOptions {
  logger: Logger;
  /** How long an index reading is trusted. Default 600,000 (10 minutes). */
  ttlMs?: number;
  /** Default Date.now. */
  now?: () => number;
}

/** Deliveries that can change which products are compositions or what they hold. */
export const PICQER_BUNDLE_INDEX_EVENTS: readonly string[] = ['products.parts.changed', 'products.created', 'products.changed'];
/** Most pages of virtual compositions read (10,000 bundles). */
const MAX_PAGES = 100;
/** Parts lists read at once while building the index. */
const PARTS_CONCURRENCY = 8;

interface Bundle {
  productcode: string;
  parts: Array<{ idproduct: number; amount: number }>;
}

interface BundleIndex {
  bundles: Map<number, Bundle>;
  /** Bundles holding each product. */
  holders: Map<number, number[]>;
  /** Last known stock rows of every part and bundle. */
  rows: Map<number, PicqerStockLevelModel[]>;
  readAt: number;
}

export function picqerBundleEvents(client: PicqerClient, opts: PicqerBundleEventsOptions): PicqerBundleEvents {
  const ttlMs = opts.ttlMs ?? 600_000;
  const now = opts.now ?? Date.now;
  let current: Promise<BundleIndex> | null = null;
  let stale = true;
  const index = (): Promise<BundleIndex> => {
    if (!current || stale) {
      stale = false;
      const reading = readIndex(client, now());
      // A failed reading is not kept: the next delivery tries again.
      reading.catch(() => (stale = true));
      current = reading;
    }
    return current.then((ix) => {
      if (now() - ix.readAt > ttlMs) stale = true;
      return ix;
    });
  };
  return {
    invalidatesOn: (event) => PICQER_BUNDLE_INDEX_EVENTS.includes(event),
    invalidate: () => void (stale = true),
    async afterStockChange(change) {
      const ix = await index();
      if (!ix.holders.has(change.idproduct)) return [];
      ix.rows.set(
        change.idproduct,
        change.stock.map((s) => ({ idwarehouse: s.warehouseId, stock: s.stock, reserved: s.reserved, freeStock: s.freeStock })),
      );
      return moved(ix, change);
    },
  };
}

/** The bundles above the changed product whose stock differs from what was known, breadth first. */
function moved(ix: BundleIndex, change: StockChangePayload): NewEvent[] {
  const out: NewEvent[] = [];
  let level = ix.holders.get(change.idproduct) ?? [];
  for (let depth = 0; level.length > 0 && depth <= MAX_COMPOSITION_DEPTH; depth++) {
    const next: number[] = [];
    for (const idbundle of new Set(level)) {
      const bundle = ix.bundles.get(idbundle)!;
      const rows = composeStock(bundle.parts.map((p) => ({ amount: p.amount, stock: ix.rows.get(p.idproduct) ?? [] })));
      if (sameRows(rows, ix.rows.get(idbundle))) continue;
      ix.rows.set(idbundle, rows);
      out.push({ topic: 'freeStockChanged', payload: payloadOf(idbundle, bundle.productcode, rows, change.occurredAt) });
      next.push(...(ix.holders.get(idbundle) ?? []));
    }
    level = next;
  }
  return out;
}

function payloadOf(idproduct: number, productcode: string, rows: PicqerStockLevelModel[], occurredAt: string | null): StockChangePayload {
  const stock = rows.map((r) => ({ warehouseId: r.idwarehouse, stock: r.stock, reserved: r.reserved, freeStock: r.freeStock }));
  return { idproduct, productcode, freeStock: stock.reduce((s, r) => s + r.freeStock, 0), stock, occurredAt };
}

function sameRows(a: readonly PicqerStockLevelModel[], b: readonly PicqerStockLevelModel[] | undefined): boolean {
  if (!b || a.length !== b.length) return false;
  return a.every((r, i) => r.idwarehouse === b[i].idwarehouse && r.stock === b[i].stock && r.freeStock === b[i].freeStock);
}

async function readIndex(client: PicqerClient, readAt: number): Promise<BundleIndex> {
  const calls = warehouseCalls(client, { priority: 'live' });
  const bundles = new Map<number, Bundle>();
  for (let page = 0; page < MAX_PAGES; page++) {
    const rows = await calls.productsOfType('virtual_composition', page * PICQER_PAGE_SIZE);
    for (const p of rows) if (p.type === 'virtual_composition') bundles.set(p.idproduct, { productcode: p.productcode, parts: [] });
    if (rows.length < PICQER_PAGE_SIZE) break;
  }
  const ids = [...bundles.keys()];
  for (let i = 0; i < ids.length; i += PARTS_CONCURRENCY) {
    await Promise.all(
      ids.slice(i, i + PARTS_CONCURRENCY).map(async (id) => {
        bundles.get(id)!.parts = (await calls.parts(id)).map((p) => ({ idproduct: p.idproduct, amount: p.amount }));
      }),
    );
  }
  const holders = new Map<number, number[]>();
  for (const [id, b] of bundles) for (const p of b.parts) holders.set(p.idproduct, [...(holders.get(p.idproduct) ?? []), id]);
  const rows = new Map<number, PicqerStockLevelModel[]>();
  const plain = [...holders.keys()].filter((id) => !bundles.has(id));
  for (let i = 0; i < plain.length; i += PICQER_PAGE_SIZE) {
    const page = await client.listProducts({ idproducts: plain.slice(i, i + PICQER_PAGE_SIZE) }, { priority: 'live' });
    for (const w of page) rows.set(w.idproduct, toProduct(w).stock);
  }
  const compose = (id: number, depth: number): PicqerStockLevelModel[] => {
    const known = rows.get(id);
    if (known || !bundles.has(id) || depth > MAX_COMPOSITION_DEPTH) return known ?? [];
    const composed = composeStock(bundles.get(id)!.parts.map((p) => ({ amount: p.amount, stock: compose(p.idproduct, depth + 1) })));
    rows.set(id, composed);
    return composed;
  };
  for (const id of ids) compose(id, 0);
  return { bundles, holders, rows, readAt };
}

/**
 * Appends the bundle events a part's stored free-stock event implies, each deduplicated as the
 * part's delivery plus the bundle (a repeat of the delivery adds none). A failure is logged and
 * not thrown: the part's event is in the log already, and a retry of the delivery would be a repeat.
 */
export async function appendBundleEvents(
  bundles: PicqerBundleEvents,
  log: EventLog,
  logger: Logger,
  change: StockChangePayload,
  dedupeKey: string,
): Promise<void> {
  try {
    for (const e of await bundles.afterStockChange(change)) {
      if (e.topic !== 'freeStockChanged') continue;
      await log.append(e, [`${dedupeKey}:bundle:${e.payload.idproduct}`]);
    }
  } catch (err) {
    logger.warn({ err: { message: (err as Error).message }, idproduct: change.idproduct }, 'picqer webhook: bundle stock not updated');
  }
}
