import type { ShopifyLocationWire } from './wire';

/**
 * A shop's locations, shared across requests for `ttlMs`. Every variant lookup needs the number
 * of locations (it sizes `inventoryLevels(first:)` and so the query's cost), and locations change
 * rarely, so re-reading them per request would add one Shopify call to every joined query.
 * A failed load is not kept.
 */
export class LocationsCache {
  private entry?: { at: number; value: Promise<ShopifyLocationWire[]> };

  /** @param ttlMs default 300,000 (5 minutes) */
  constructor(
    private readonly ttlMs = 300_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(load: () => Promise<ShopifyLocationWire[]>): Promise<ShopifyLocationWire[]> {
    if (this.entry && this.now() - this.entry.at < this.ttlMs) return this.entry.value;
    const value = load();
    const entry = { at: this.now(), value };
    this.entry = entry;
    value.catch(() => {
      if (this.entry === entry) this.entry = undefined;
    });
    return value;
  }
}
