import DataLoader from 'dataloader';
import type { CallAccounting } from '../upstream/accounting';
import type { EntityCache } from '../upstream/cache/entity-cache';
import type { ExactClient } from './client';
import { toItem } from './map';
import type { ExactItemModel } from './model';
import { ITEM_SELECT, type ExactItemWire } from './wire';

/**
 * Per-request DataLoaders for Exact, answering models (model.ts). Items are fetched by Code in
 * `$filter` chunks (`Code eq 'A' or Code eq 'B' …`): at most one page (60 rows) of codes per call, so a chunk
 * never needs a second, sequential `__next` call, and never more codes than fit in Exact's
 * 6,000-character URL. The chunks go out in parallel; the governor keeps them within budget.
 *
 * Minimum calls: ceil(codes / 60) — 100 products cost 2 Exact calls (of 60 a minute).
 * Stock comes from the Item's own `Stock` field (quantity over all warehouses), which is what
 * ExactItem.stock shows, so it costs no further call; per-warehouse stock would need
 * `inventory/ItemWarehouses` (served by the sandbox, not loaded here yet).
 */

export interface ExactLoaders {
  /** Exact item by Code (= Picqer productcode); null when Exact has no such item. */
  itemByCode: DataLoader<string, ExactItemModel | null>;
}

export interface ExactLoaderOptions {
  /** Codes per call. Default 60: Exact's page size on regular endpoints. */
  codesPerCall?: number;
  /** URL budget per call. Default: the client's (6,000). */
  maxUrlLength?: number;
  /** The shared entity cache and this division's namespace in it. Default: none. Exact sends no webhooks here, so entries refresh on time alone. */
  cached?: { cache: EntityCache; namespace: string };
}

const ITEMS = 'logistics/Items';

/** OData string literal: single quotes doubled. */
export function odataString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Splits codes into `$filter` chunks within both the per-call count and the URL length. */
export function chunkCodes(client: ExactClient, codes: readonly string[], o: Required<Omit<ExactLoaderOptions, 'cached'>>): string[][] {
  const select = ITEM_SELECT.join(',');
  const chunks: string[][] = [];
  let cur: string[] = [];
  const fits = (list: string[]): boolean => client.urlLength(ITEMS, { $filter: filterFor(list), $select: select }) <= o.maxUrlLength;
  for (const code of codes) {
    const candidate = [...cur, code];
    if (cur.length > 0 && (candidate.length > o.codesPerCall || !fits(candidate))) {
      chunks.push(cur);
      cur = [code];
    } else {
      cur = candidate;
    }
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}

function filterFor(codes: readonly string[]): string {
  return codes.map((c) => `Code eq ${odataString(c)}`).join(' or ');
}

/** Builds the Exact loaders for one GraphQL request. */
export function createExactLoaders(client: ExactClient, accounting: CallAccounting, opts: ExactLoaderOptions = {}): ExactLoaders {
  const o: Required<Omit<ExactLoaderOptions, 'cached'>> = {
    codesPerCall: opts.codesPerCall ?? 60,
    maxUrlLength: opts.maxUrlLength ?? client.maxUrlLength,
  };
  const fetchItems = async (codes: readonly string[]): Promise<Array<ExactItemModel | null>> => {
    const chunks = chunkCodes(client, codes, o);
    const pages = await Promise.all(
      chunks.map((chunk) => client.list<ExactItemWire>(ITEMS, { $filter: filterFor(chunk), $select: ITEM_SELECT.join(',') }, { accounting })),
    );
    // Exact's filter may compare case-insensitively; the join key is compared exactly (README:
    // "PG-1" and "pg-1" are different products), so only an exact Code matches.
    const byCode = new Map<string, ExactItemWire>();
    for (const w of pages.flat()) byCode.set(w.Code, w);
    return codes.map((c) => {
      const w = byCode.get(c);
      return w ? toItem(w) : null;
    });
  };
  const cached = opts.cached;
  const itemByCode = new DataLoader<string, ExactItemModel | null>(
    async (codes) =>
      cached
        ? cached.cache.load({
            upstream: 'exact',
            type: 'exactItem',
            namespace: cached.namespace,
            keys: codes,
            id: (c) => c,
            fetch: fetchItems,
            usage: accounting,
          })
        : fetchItems(codes),
    // The URL limit, not DataLoader, bounds a batch: chunking happens inside.
    { maxBatchSize: 1000 },
  );
  return { itemByCode };
}
