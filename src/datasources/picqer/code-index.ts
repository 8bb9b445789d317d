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

/** A bounded, expiring productcode -> idproduct map (lru-cache underneath). */
export class ProductCodeIndex {
  private readonly cache: LRUCache<string, number>;
  private readonly halfTtlMs: number;

  constructor(opts: ProductCodeIndexOptions = {}) {
    this.halfTtlMs = (opts.ttlMs ?? 3_600_000) / 2;
    this.cache = new LRUCache<string, number>({
      max: opts.maxEntries ?? 100_000,
      ttl: opts.ttlMs ?? 3_600_000,
      // Expired entries go when read or pushed out, not by a timer per entry.
      ttlAutopurge: false,
      // Read the clock on every check rather than lru-cache's 1 ms cached reading, so an
      // injected clock is believed at once.
      ttlResolution: 0,
      ...(opts.now ? { perf: { now: opts.now } } : {}),
    });
  }

  /** The idproduct last seen with this code, if still fresh. */
  get(code: string): number | undefined {
    return this.cache.get(code);
  }

  /**
   * Records the code's id; the entry's time to live starts again. Every page of every request
   * records its codes: an unchanged entry with more than half its ttl left is left as it is,
   * sparing the LRU's bookkeeping on the hot path.
   */
  set(code: string, id: number): void {
    if (this.cache.peek(code) === id && this.cache.getRemainingTTL(code) > this.halfTtlMs) return;
    this.cache.set(code, id);
  }

  forget(code: string): void {
    this.cache.delete(code);
  }

  get size(): number {
    return this.cache.size;
  }
}
