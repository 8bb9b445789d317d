import { LRUCache } from 'lru-cache';

/** Options of a hot read, made once: lru-cache's `get` otherwise makes an empty one per call. */
const READ = Object.freeze({});

/**
 * The value of a cache entry's JSON, decoded once per text. A hot product is read by every
 * request: when the text is the one decoded last time for this key, the object decoded then is
 * reused instead of parsing it again (answers are read, never changed, so sharing them is safe).
 * Bounded; text that differs is parsed and remembered in its place.
 */
export class DecodeMemo {
  private readonly last: LRUCache<string, { data: string; value: unknown }>;

  constructor(maxKeys = 20_000) {
    this.last = new LRUCache({ max: maxKeys });
  }

  decode(key: string, data: string): unknown {
    const seen = this.last.get(key, READ);
    if (seen && seen.data === data) return seen.value;
    const value: unknown = JSON.parse(data);
    this.last.set(key, { data, value });
    return value;
  }
}
