/**
 * Remembers which Picqer idproduct carries which productcode, across requests. Picqer can fetch
 * 100 products by id in one call (`idproducts`) but has no filter for many product codes, so a
 * join keyed on codes (Shopify SKUs, stockDrift) would cost one call per code. With the id known
 * from any earlier answer, those codes batch by id instead. The mapping is not personal data and
 * rarely changes; entries still expire, and a stale one is caught by checking the code on the
 * product that comes back.
 */
export interface ProductCodeIndexOptions {
  /** Most codes kept; the least recently set go first. Default 100,000. */
  maxEntries?: number;
  /** How long an entry is trusted. Default 3,600,000 ms (1 h). */
  ttlMs?: number;
  now?: () => number;
}

export class ProductCodeIndex {
  private readonly map = new Map<string, { id: number; at: number }>();
  private readonly max: number;
  private readonly ttl: number;
  private readonly now: () => number;

  constructor(opts: ProductCodeIndexOptions = {}) {
    this.max = opts.maxEntries ?? 100_000;
    this.ttl = opts.ttlMs ?? 3_600_000;
    this.now = opts.now ?? Date.now;
  }

  /** The idproduct last seen with this code, if still fresh. */
  get(code: string): number | undefined {
    const e = this.map.get(code);
    if (!e) return undefined;
    if (this.now() - e.at > this.ttl) {
      this.map.delete(code);
      return undefined;
    }
    return e.id;
  }

  set(code: string, id: number): void {
    this.map.delete(code);
    this.map.set(code, { id, at: this.now() });
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }

  forget(code: string): void {
    this.map.delete(code);
  }

  get size(): number {
    return this.map.size;
  }
}
