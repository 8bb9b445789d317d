import DataLoader from 'dataloader';

/**
 * A DataLoader that answers the keys it was told about (`know`) before batching: a list page
 * tells it each of its rows (100 a Picqer page, most never asked for by key), and only a key
 * asked for costs a promise. Priming each row instead made a promise and a cache entry per row
 * on every request, which showed in the gateway's CPU profile. Like `prime`, `know` never
 * replaces what the loader already holds for a key; `clear` forgets both.
 */
export class KnownFirstLoader<K, V> extends DataLoader<K, V> {
  private readonly known = new Map<K, V>();
  /** Keys asked of the DataLoader itself: what it holds for them stands. */
  private readonly asked = new Set<K>();

  /** Values made only if asked for (a list row's model, say), once. */
  private readonly later = new Map<K, () => V>();

  know(key: K, value: V): this {
    if (!this.known.has(key) && !this.asked.has(key)) this.known.set(key, value);
    return this;
  }

  /** Like `know`, with the value made by `get` the first time the key is loaded (never if it is not). */
  knowLater(key: K, get: () => V): this {
    if (!this.known.has(key) && !this.asked.has(key) && !this.later.has(key)) this.later.set(key, get);
    return this;
  }

  override load(key: K): Promise<V> {
    let value = this.known.get(key);
    const get = value === undefined ? this.later.get(key) : undefined;
    if (get) {
      value = get();
      this.later.delete(key);
      this.known.set(key, value);
    }
    if (value !== undefined) return Promise.resolve(value);
    this.asked.add(key);
    return super.load(key);
  }

  override clear(key: K): this {
    this.known.delete(key);
    this.later.delete(key);
    this.asked.delete(key);
    return super.clear(key);
  }

  override clearAll(): this {
    this.known.clear();
    this.later.clear();
    this.asked.clear();
    return super.clearAll();
  }
}
