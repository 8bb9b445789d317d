import { LRUCache } from 'lru-cache';

/**
 * Remembers which Picqer idproduct carries which productcode, across requests. Picqer can fetch
 * 100 products by id in one call (`idproducts`) but has no filter for many product codes, so a
 * join keyed on codes (Shopify SKUs, stockDrift) would cost one call per code. With the id known
 * from any earlier answer, those codes batch by id instead. The mapping is not personal data and
 * rarely changes; entries still expire, and a stale one is caught by checking the code on the
 * product that comes back.
 */
export interface ProductCodeIndexOptions {
  /** Most codes kept; the least recently used go first. Default 100,000. */
  maxEntries?: number;
  /** How long an entry is trusted after it was set. Default 3,600,000 ms (1 h). */
  ttlMs?: number;
  /** Clock in ms, for tests. Default: lru-cache's (performance.now). */
  now?: () => number;
}

/** A code's id and when it was recorded (the index's clock). */
interface Entry {
  id: number;
  at: number;
}

/** A peek that reads no clock: an entry's age is checked against the caller's one reading. */
const ANY_AGE = { allowStale: true } as const;

/** A bounded, expiring productcode -> idproduct map (lru-cache underneath). */
export class ProductCodeIndex {
  private readonly cache: LRUCache<string, Entry>;
  private readonly halfTtlMs: number;
  private readonly now: () => number;

  constructor(opts: ProductCodeIndexOptions = {}) {
    this.halfTtlMs = (opts.ttlMs ?? 3_600_000) / 2;
    this.now = opts.now ?? (() => performance.now());
    this.cache = new LRUCache<string, Entry>({
      max: opts.maxEntries ?? 100_000,
      ttl: opts.ttlMs ?? 3_600_000,
      // Expired entries go when read or pushed out, not by a timer per entry.
      ttlAutopurge: false,
      // Read the clock on every check rather than lru-cache's 1 ms cached reading, so an
      // injected clock is believed at once.
      ttlResolution: 0,
      perf: { now: this.now },
    });
  }

  /** The idproduct last seen with this code, if still fresh. */
  get(code: string): number | undefined {
    return this.cache.get(code)?.id;
  }

  /** Records the code's id; its time to live starts again unless it is unchanged and young (see setAll). */
  set(code: string, id: number): void {
    this.record(code, id, this.now());
  }

  /**
   * Records each product's code, reading the clock once. Every page of every request records its
   * codes: an unchanged entry with more than half its ttl left is left as it is (not even made the
   * most recently used), sparing the LRU's bookkeeping and a clock reading per row on the hot path.
   */
  setAll(products: Iterable<{ productcode: string; idproduct: number }>): void {
    const now = this.now();
    for (const p of products) this.record(p.productcode, p.idproduct, now);
  }

  forget(code: string): void {
    this.cache.delete(code);
  }

  get size(): number {
    return this.cache.size;
  }

  private record(code: string, id: number, now: number): void {
    const held = this.cache.peek(code, ANY_AGE);
    if (held !== undefined && held.id === id && now - held.at < this.halfTtlMs) return;
    this.cache.set(code, { id, at: now });
  }
}
