import { KnownFirstLoader } from '../../util/known-first-loader';
import { LazyRows, type RowSource } from '../../util/lazy-rows';
import type { EntityCache } from '../upstream/cache/entity-cache';
import type { CallAccounting } from '../upstream/accounting';
import type { ProductCodeIndex } from './code-index';
import { PICQER_PAGE_SIZE, type CallOptions, type PicqerClient, type ProductListFilter } from './client';
import { toProduct } from './map';
import type { PicqerProductModel } from './model';
import type { PicqerProductWire } from './wire';

/**
 * Picqer products by id, by code and by list page, read through the shared entity cache when
 * there is one. What the cache holds (no personal data: products, not orders):
 * - `product:<idproduct>`: the product with its stock per warehouse, kept fresh by webhooks;
 * - `productCode:<code>`: the product's id (or null: no such code), so a code costs no call once seen;
 * - `productPage:<generation>:<filter>`: the ids a list page held; an event that changes which
 *   products exist writes a new generation, so every cached page is dropped at once.
 */

/** The shared cache and this credential's namespace in it. */
export interface PicqerCacheBinding {
  cache: EntityCache;
  /** "picqer:<credential hash>": two Picqer accounts never share an entry. */
  namespace: string;
}

export interface ProductCalls {
  client: PicqerClient;
  o: CallOptions & { accounting: CallAccounting };
  codes?: ProductCodeIndex;
  cached?: PicqerCacheBinding;
}

export interface ProductLoaders {
  byId: KnownFirstLoader<number, PicqerProductModel | null>;
  byCode: KnownFirstLoader<string, PicqerProductModel | null>;
  /**
   * One list page (Picqer's 100 rows) for the filter, its rows known by id and code afterwards.
   * `need`: how many rows from the page's start the caller reads (default all); through the cache
   * only those are loaded (see ProductReader.list).
   */
  list: (filter: ProductListFilter, need?: number) => Promise<RowSource<PicqerProductModel>>;
}

/** The cache entry that names the current generation of cached list pages. */
export const PAGE_GENERATION_ID = 'generation';

/**
 * Products by id and by code, each priming the other: a product found one way is known the
 * other way for the rest of the request, and its code goes into the cross-request index.
 */
export function productLoaders(calls: ProductCalls): ProductLoaders {
  const reader = new ProductReader(calls);
  return { byId: reader.byId, byCode: reader.byCode, list: (filter, need) => reader.list(filter, need) };
}

/** A cached page's product ids; with the products themselves when the page entry was missing and Picqer was asked. */
interface CachedPage {
  ids: number[];
  fetched?: PicqerProductModel[];
}

/** The loaders of one request and the ways they reach Picqer or the cache. */
class ProductReader {
  readonly byId: KnownFirstLoader<number, PicqerProductModel | null>;
  readonly byCode: KnownFirstLoader<string, PicqerProductModel | null>;
  /** A cached page's ids (or its rows, when the page had to be fetched), per filter, once a request. */
  private readonly pages = new Map<string, Promise<CachedPage>>();

  constructor(private readonly calls: ProductCalls) {
    const { cached } = calls;
    this.byId = new KnownFirstLoader((ids) => this.readByIds(ids), { maxBatchSize: PICQER_PAGE_SIZE * 10 });
    this.byCode = new KnownFirstLoader(async (keys) => (cached ? this.byCodeCached(keys, cached) : settle(keys.map((k) => this.loadByCode(k)))));
  }

  /**
   * A page through the cache: its ids from the page entry, then the products of the first `need`
   * of them from theirs (a `first: 20` page reads 20 product entries, not the page's 100). The rows
   * past `need` are counted but never read. A product deleted since the page was cached is left
   * out rather than shown as a hole: if one of the first `need` is gone, the whole page is loaded
   * and the gone ones dropped, so the rows the caller reads are the next ones that exist.
   */
  async list(filter: ProductListFilter, need = PICQER_PAGE_SIZE): Promise<RowSource<PicqerProductModel>> {
    const cached = this.calls.cached;
    if (!cached) return this.lazyPage(filter);
    const key = JSON.stringify(filter);
    let page = this.pages.get(key);
    if (!page) this.pages.set(key, (page = this.cachedPage(filter, key, cached)));
    const { ids, fetched } = await page;
    if (fetched) return fetched;
    if (need < ids.length) {
      const head = await this.loadPresent(ids.slice(0, Math.max(0, need)));
      if (head.length === need) return new PrefixRows(head, ids.length);
    }
    return this.loadPresent(ids);
  }

  /** The page entry's ids, or the rows themselves when the entry was missing and the page was fetched. */
  private async cachedPage(filter: ProductListFilter, key: string, cached: PicqerCacheBinding): Promise<CachedPage> {
    const [gen] = await cached.cache.peek<string>('productPage', cached.namespace, [PAGE_GENERATION_ID]);
    let fetched: PicqerProductModel[] | undefined;
    const [ids] = await cached.cache.load<string, number[]>({
      upstream: 'picqer',
      type: 'productPage',
      namespace: cached.namespace,
      keys: [`${gen?.value ?? '0'}:${key}`],
      id: (k) => k,
      fetch: async () => {
        fetched = await this.fetchPage(filter);
        return [fetched.map((p) => p.idproduct)];
      },
      usage: this.calls.o.accounting,
    });
    if (ids instanceof Error) throw ids;
    return { ids: ids ?? [], fetched };
  }

  /** Products by id through the cache (or from Picqer without one), each then known by code too. */
  private async readByIds(ids: readonly number[]): Promise<Array<PicqerProductModel | null | Error>> {
    const { o, cached } = this.calls;
    const rows = cached
      ? await cached.cache.load({
          upstream: 'picqer',
          type: 'product',
          namespace: cached.namespace,
          keys: ids,
          id: String,
          fetch: (miss) => this.fetchByIds(miss),
          usage: o.accounting,
        })
      : await this.fetchByIds(ids);
    const found = rows.filter((p): p is PicqerProductModel => p !== null && !(p instanceof Error));
    this.byCode.knowEach(
      found.map((p) => p.productcode),
      found,
    );
    this.calls.codes?.setAll(found);
    return rows;
  }

  /**
   * The products of `ids` that still exist, in order; an error loading any fails the page. One
   * read for all of them, not a DataLoader load each (a page's rows are distinct by id); they are
   * known by id afterwards, as if loaded.
   */
  private async loadPresent(ids: readonly number[]): Promise<PicqerProductModel[]> {
    const rows = await this.readByIds(ids);
    const failed = rows.find((r): r is Error => r instanceof Error);
    if (failed) {
      rows.forEach((p, i) => {
        if (!(p instanceof Error)) this.byId.know(ids[i], p);
      });
      throw failed;
    }
    this.byId.knowEach(ids, rows as Array<PicqerProductModel | null>);
    return rows.filter((r): r is PicqerProductModel => r !== null && !(r instanceof Error));
  }

  private async fetchByIds(ids: readonly number[]): Promise<Array<PicqerProductModel | null>> {
    const found = new Map<number, PicqerProductModel>();
    await Promise.all(
      chunk(ids, PICQER_PAGE_SIZE).map(async (idproducts) => {
        for (const w of await this.calls.client.listProducts({ idproducts }, this.calls.o)) found.set(w.idproduct, toProduct(w));
      }),
    );
    return ids.map((id) => found.get(id) ?? null);
  }

  /** Stores products a list or code lookup brought, so the next reader of their id needs no call. */
  private async keep(rows: PicqerProductModel[], startedAt: number): Promise<void> {
    const cached = this.calls.cached;
    if (!cached) return;
    await cached.cache.fill(
      'product',
      cached.namespace,
      rows.map((p) => ({ id: String(p.idproduct), value: p })),
      startedAt,
    );
  }

  private async loadByCode(code: string): Promise<PicqerProductModel | null> {
    const { client, o, codes, cached } = this.calls;
    const id = codes?.get(code);
    if (id !== undefined) {
      const p = await this.byId.load(id);
      if (p?.productcode === code) return p;
      codes?.forget(code); // renamed or deleted since we saw it
    }
    const startedAt = cached?.cache.clock() ?? 0;
    // The productcode filter may match more than one code in theory; only an exact match counts.
    const hit = (await client.listProducts({ productcode: code }, o)).find((w) => w.productcode === code);
    if (!hit) return null;
    const p = toProduct(hit);
    this.byId.know(p.idproduct, p);
    this.calls.codes?.set(p.productcode, p.idproduct);
    await this.keep([p], startedAt);
    return p;
  }

  /** Codes through the cache's code -> id entries, then products by id (batched, cached). */
  private async byCodeCached(keys: readonly string[], c: PicqerCacheBinding): Promise<Array<PicqerProductModel | null | Error>> {
    const ids = await c.cache.load<string, number>({
      upstream: 'picqer',
      type: 'productCode',
      namespace: c.namespace,
      keys,
      id: (code) => code,
      fetch: async (miss) => settle(miss.map(async (code) => (await this.loadByCode(code))?.idproduct ?? null)),
      usage: this.calls.o.accounting,
    });
    return settle(
      keys.map(async (code, i) => {
        const id = ids[i];
        if (id instanceof Error) throw id;
        if (id === null) return null;
        const p = await this.byId.load(id);
        if (p?.productcode === code) return p;
        // The code's product was renamed or deleted since the entry was written: look again.
        await c.cache.invalidate('picqer', 'productCode', c.namespace, [code]);
        this.calls.codes?.forget(code);
        return this.loadByCode(code);
      }),
    );
  }

  /**
   * A page without the shared cache: each row's model is made only when read (a client page, a
   * later load by id or code), as nothing needs the rest; its codes are indexed from the wire rows.
   */
  private async lazyPage(filter: ProductListFilter): Promise<LazyRows<PicqerProductWire, PicqerProductModel>> {
    const wires = await this.calls.client.listProducts(filter, this.calls.o);
    const rows = new LazyRows(wires, toProduct);
    this.byId.knowRows(rows, (w) => w.idproduct);
    this.byCode.knowRows(rows, (w) => w.productcode);
    this.calls.codes?.setAll(wires);
    return rows;
  }

  private async fetchPage(filter: ProductListFilter): Promise<PicqerProductModel[]> {
    const startedAt = this.calls.cached?.cache.clock() ?? 0;
    const rows = (await this.calls.client.listProducts(filter, this.calls.o)).map(toProduct);
    for (const p of rows) {
      this.byId.know(p.idproduct, p);
      this.byCode.know(p.productcode, p);
    }
    this.calls.codes?.setAll(rows);
    await this.keep(rows, startedAt);
    return rows;
  }
}

function chunk<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/** One failing key must not fail its batch-mates: DataLoader takes an Error per key. */
export async function settle<T>(ps: Array<Promise<T>>): Promise<Array<T | Error>> {
  const results = await Promise.allSettled(ps);
  return results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason instanceof Error ? r.reason : new Error(String(r.reason))));
}

/**
 * A page of `length` rows of which only the first ones were loaded: a client page reads no
 * further (resolvers/paginate.ts asks for the rows it reads). Reading past them is a bug in the
 * caller, so it throws rather than answer a short list.
 */
class PrefixRows<T> implements RowSource<T> {
  constructor(
    private readonly head: readonly T[],
    readonly length: number,
  ) {}

  slice(start = 0, end = this.length): T[] {
    if (start < 0 || end > this.head.length) throw new RangeError(`rows ${start}..${end} of a page with only ${this.head.length} loaded`);
    return this.head.slice(start, end);
  }
}
