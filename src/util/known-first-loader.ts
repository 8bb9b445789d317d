import DataLoader from 'dataloader';

/** Rows a list page holds: each one's key read from its wire form, its value made only when asked (util/lazy-rows.ts). */
export interface KnowableRows<W, V> {
  readonly length: number;
  wire(i: number): W;
  at(i: number): V;
}

/**
 * A DataLoader that answers the keys it was told about before batching: a list page tells it its
 * rows (100 a Picqer page, most never asked for by key), and only a key asked for costs a promise.
 * Priming each row instead made a promise and a cache entry per row on every request, which
 * showed in the gateway's CPU profile; so did a closure and a map entry per row (`knowRows` now
 * keeps the page as it is, and looks a key up in it only when a load misses).
 *
 * What it was told never replaces what it already holds for a key: a value given by `know` comes
 * first, then the pages in the order they were told, and a key already loaded through the
 * DataLoader keeps that answer. `clear` forgets all of them for the key; `clearAll` for every key.
 */
export class KnownFirstLoader<K, V> extends DataLoader<K, V> {
  private readonly known = new Map<K, V>();
  /** Keys asked of the DataLoader itself: what it holds for them stands. */
  private readonly asked = new Set<K>();
  /** Keys cleared since the pages were told: no page answers them any more. */
  private readonly cleared = new Set<K>();
  private readonly pages: Array<Page<K, V>> = [];

  know(key: K, value: V): this {
    if (!this.known.has(key) && !this.asked.has(key)) this.known.set(key, value);
    return this;
  }

  /** Every row of `rows` known by `key(wire)`; a row's value is made the first time its key is loaded (never if it is not). */
  knowRows<W>(rows: KnowableRows<W, V>, key: (wire: W) => K): this {
    this.pages.push({ rows, key: key as (wire: unknown) => K });
    return this;
  }

  /**
   * `values[i]` known by `keys[i]`, as a page (knowRows): nothing is done per row until a load
   * misses, where a `know` each was a map entry per row on every request.
   */
  knowEach(keys: readonly K[], values: readonly V[]): this {
    return this.knowRows<K>({ length: keys.length, wire: (i) => keys[i], at: (i) => values[i] }, (k) => k);
  }

  /**
   * The value for `key` if it is known already (told, or preloaded), without a promise; undefined
   * when it would have to be loaded. A resolver that runs once per row answers synchronously this
   * way, which graphql-jit runs without the promise bookkeeping a `load` costs per row.
   */
  peek(key: K): V | undefined {
    if (this.known.has(key)) return this.known.get(key);
    return this.asked.has(key) || this.cleared.has(key) ? undefined : this.fromPages(key);
  }

  /**
   * Loads `keys` as `loadMany` does (one batch), and keeps what they answered as known, for `peek`
   * (the DataLoader's own answer for the key, so nothing it holds is replaced); a key that failed
   * stays unknown.
   */
  async preload(keys: readonly K[]): Promise<void> {
    const values = await this.loadMany(keys);
    values.forEach((v, i) => {
      if (!(v instanceof Error)) this.known.set(keys[i], v);
    });
  }

  override load(key: K): Promise<V> {
    const value = this.peek(key);
    if (value !== undefined) return Promise.resolve(value);
    this.asked.add(key);
    return super.load(key);
  }

  override clear(key: K): this {
    this.known.delete(key);
    this.asked.delete(key);
    if (this.pages.length > 0) this.cleared.add(key);
    return super.clear(key);
  }

  override clearAll(): this {
    this.known.clear();
    this.asked.clear();
    this.cleared.clear();
    this.pages.length = 0;
    return super.clearAll();
  }

  /** The row for `key` in the first page that has one, made and then known; undefined when none has. */
  private fromPages(key: K): V | undefined {
    for (const page of this.pages) {
      page.index ??= indexOf(page);
      const i = page.index.get(key);
      if (i === undefined) continue;
      const value = page.rows.at(i);
      this.known.set(key, value);
      return value;
    }
    return undefined;
  }
}

interface Page<K, V> {
  rows: KnowableRows<unknown, V>;
  key: (wire: unknown) => K;
  /** Row positions by key (the first row of a key), made at the first load that misses. */
  index?: Map<K, number>;
}

function indexOf<K, V>(page: Page<K, V>): Map<K, number> {
  const index = new Map<K, number>();
  for (let i = 0; i < page.rows.length; i++) {
    const k = page.key(page.rows.wire(i));
    if (!index.has(k)) index.set(k, i);
  }
  return index;
}
