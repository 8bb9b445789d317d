import type DataLoader from 'dataloader';
import { KnownFirstLoader } from '../../util/known-first-loader';
import { LazyRows, type RowSource } from '../../util/lazy-rows';
import { UpstreamError } from '../../errors';
import type { CallAccounting } from '../upstream/accounting';
import type { ProductCodeIndex } from './code-index';
import { productLoaders, settle, type PicqerCacheBinding, type ProductCalls } from './product-loaders';
import { PICQER_PAGE_SIZE, type OrderListFilter, type PicklistListFilter, type PicqerClient, type ProductListFilter } from './client';
import { toOrder, toPicklist, toWarehouse } from './map';
import type { PicqerOrderModel, PicqerPicklistModel, PicqerProductModel, PicqerStockLevelModel, PicqerStockWithWarehouse, PicqerWarehouseModel } from './model';
import type { PicqerOrderWire, PicqerPicklistWire } from './wire';
import { warehouseLoaders, type WarehouseLoaders } from './warehouse-loaders';

/**
 * Per-request DataLoaders over Picqer, answering with models (model.ts). Each batches what Picqer
 * lets us batch and deduplicates the rest, so a nested query never makes one call per row where
 * one call per 100 rows will do:
 * - products by id: the `idproducts` filter, 100 ids a call;
 * - products by code: batched by id where the code index knows the id from an earlier answer,
 *   else one call per code (Picqer has no multi-code filter);
 * - orders and picklists by id: no multi-id filter either, so one call per distinct id, made once
 *   per request and primed from any list we already fetched;
 * - lists: one call per distinct (filter, offset), so a page asked twice is fetched once.
 */
export interface PicqerLoaders extends WarehouseLoaders {
  productById: KnownFirstLoader<number, PicqerProductModel | null>;
  productByCode: KnownFirstLoader<string, PicqerProductModel | null>;
  orderById: DataLoader<number, PicqerOrderModel | null>;
  /** By order number; only an exact match counts (Picqer's filter may match more). */
  orderByOrderid: (orderid: string) => Promise<PicqerOrderModel | null>;
  picklistById: DataLoader<number, PicqerPicklistModel | null>;
  /** By picklist number; only an exact match counts. */
  picklistByPicklistid: (picklistid: string) => Promise<PicqerPicklistModel | null>;
  warehouses: () => Promise<PicqerWarehouseModel[]>;
  /**
   * A warehouse by id. Once the request has the warehouse list it answers synchronously: a page of
   * 50 products asks this 100 times, and a promise each was a measurable part of a read's cost.
   */
  warehouseById: (id: number) => PicqerWarehouseModel | null | Promise<PicqerWarehouseModel | null>;
  /**
   * Stock rows, each a copy with its warehouse (a warehouse removed since the row was read gets a
   * stand-in named by its id) and `idproduct` when given; synchronous once the warehouses are
   * known. `StockLevel.warehouse` is then a property of the row: 150 rows of a page cost no field
   * resolver each.
   */
  withWarehouses: (rows: readonly PicqerStockLevelModel[], idproduct?: number) => PicqerStockWithWarehouse[] | Promise<PicqerStockWithWarehouse[]>;
  /** Picqer's general free stock of a product's stock rows (see generalFreeStock); synchronous once the warehouses are known. */
  generalFreeStock: (stock: readonly PicqerStockLevelModel[]) => number | Promise<number>;
  /** A product list page; `need`: the rows from its start the caller reads (the cache loads only those). */
  productList: (filter: ProductListFilter, need?: number) => Promise<RowSource<PicqerProductModel>>;
  /** A list page, each row mapped to its model only when read (util/lazy-rows.ts). */
  orderList: (filter: OrderListFilter) => Promise<LazyRows<PicqerOrderWire, PicqerOrderModel>>;
  picklistList: (filter: PicklistListFilter) => Promise<LazyRows<PicqerPicklistWire, PicqerPicklistModel>>;
}

/** What every loader of one request shares: the client, who pays, the code index and the shared cache. */
type Calls = ProductCalls;

/**
 * Builds one request's Picqer loaders. With `cached`, products, their codes, list pages and the
 * warehouses are read through the shared entity cache (product-loaders.ts); orders and
 * picklists carry personal data and are never cached.
 */
export function createPicqerLoaders(client: PicqerClient, accounting: CallAccounting, codes?: ProductCodeIndex, cached?: PicqerCacheBinding): PicqerLoaders {
  const calls: Calls = { client, o: { accounting }, codes, cached };
  const products = productLoaders(calls);
  const orderById = byIdLoader((id) => client.getOrder(id, calls.o), toOrder);
  const picklistById = byIdLoader((id) => client.getPicklist(id, calls.o), toPicklist);
  const warehouses = warehouseList(calls);
  // What the request's warehouse list gives, made once it is known: by id, and which count. Every
  // read of the list goes through `loaded`, so once any reader (a prefetch, say) has it, the rows
  // that need it answer synchronously.
  let known: PicqerWarehouseModel[] | undefined;
  let byId: ReadonlyMap<number, PicqerWarehouseModel> | undefined;
  let counting: ReadonlySet<number> | undefined;
  const loaded = (): Promise<PicqerWarehouseModel[]> =>
    warehouses().then((rows) => {
      if (known !== rows) [known, { byId, counting }] = [rows, warehouseIndex(rows)];
      return rows;
    });
  const memo = listMemo();

  const productList = (filter: ProductListFilter, need = PICQER_PAGE_SIZE) => memo('products', { filter, need }, () => products.list(filter, need));
  const orderList = (filter: OrderListFilter) =>
    memo('orders', filter, async () => knowAll(orderById, new LazyRows(await client.listOrders(filter, calls.o), toOrder), (w) => w.idorder));
  const picklistList = (filter: PicklistListFilter) =>
    memo('picklists', filter, async () => knowAll(picklistById, new LazyRows(await client.listPicklists(filter, calls.o), toPicklist), (w) => w.idpicklist));

  return {
    productById: products.byId,
    productByCode: products.byCode,
    orderById,
    orderByOrderid: async (orderid) => (await orderList({ orderid })).findByWire((w) => w.orderid === orderid) ?? null,
    picklistById,
    picklistByPicklistid: async (picklistid) => (await picklistList({ picklistid })).findByWire((w) => w.picklistid === picklistid) ?? null,
    warehouses: loaded,
    warehouseById: (id) => (byId ? (byId.get(id) ?? null) : loaded().then(() => byId?.get(id) ?? null)),
    withWarehouses: (rows, idproduct) =>
      byId ? attachWarehouses(rows, byId, idproduct) : loaded().then(() => attachWarehouses(rows, byId ?? new Map(), idproduct)),
    generalFreeStock: (stock) => (counting ? freeIn(stock, counting) : loaded().then(() => freeIn(stock, counting ?? new Set()))),
    productList,
    orderList,
    picklistList,
    // Bundles, incoming stock, shipments, customers, backorders, locations (warehouse-loaders.ts).
    ...warehouseLoaders(client, calls.o, { productById: products.byId, picklistById }),
  };
}

/**
 * Picqer's general free stock of a product: `freeStock` summed over the warehouses whose
 * `counts_for_general_stock` is true ("counts for the consolidated stock for the products",
 * Picqer's warehouses page). A quarantine or returns warehouse holds stock that is not for sale,
 * so it is left out. A row whose warehouse is not in `warehouses` (removed since) does not count.
 */
export function generalFreeStock(stock: readonly PicqerStockLevelModel[], warehouses: readonly PicqerWarehouseModel[]): number {
  return freeIn(stock, countingWarehouses(warehouses));
}

interface WarehouseIndex {
  byId: ReadonlyMap<number, PicqerWarehouseModel>;
  /** The ids of the warehouses that count for general stock. */
  counting: ReadonlySet<number>;
}

/**
 * What a request makes of its warehouse list, and a product's stock rows with their warehouses:
 * made per request, not remembered per decoded object in a WeakMap. A WeakMap entry whose key
 * lives for one request (every uncached row, every uncached list) is costly to the garbage
 * collector; interleaved A/B with the WeakMaps: 11% more CPU per uncached products(first: 50)
 * request and ~3% more cached, where the rows it spared were the saving.
 */
function warehouseIndex(list: readonly PicqerWarehouseModel[]): WarehouseIndex {
  return { byId: new Map(list.map((w) => [w.idwarehouse, w])), counting: countingWarehouses(list) };
}

/** The rows with their warehouses; object literals of one shape (a spread copy, `{ ...s }`, was several times slower to make and to read). */
function attachWarehouses(
  rows: readonly PicqerStockLevelModel[],
  byId: ReadonlyMap<number, PicqerWarehouseModel>,
  idproduct?: number,
): PicqerStockWithWarehouse[] {
  return rows.map((s) => ({
    idwarehouse: s.idwarehouse,
    stock: s.stock,
    reserved: s.reserved,
    freeStock: s.freeStock,
    idproduct,
    warehouse: byId.get(s.idwarehouse) ?? unknownWarehouse(s.idwarehouse),
  }));
}

/** A warehouse deleted after the stock row was read still deserves a name. */
export function unknownWarehouse(idwarehouse: number): PicqerWarehouseModel {
  return { id: String(idwarehouse), idwarehouse, name: `Warehouse ${idwarehouse}`, acceptsOrders: false, countsForGeneralStock: false };
}

/** The ids of the warehouses that count for general stock. */
function countingWarehouses(warehouses: readonly PicqerWarehouseModel[]): ReadonlySet<number> {
  return new Set(warehouses.filter((w) => w.countsForGeneralStock).map((w) => w.idwarehouse));
}

/** Free stock summed over the rows of the `counting` warehouses. */
function freeIn(stock: readonly PicqerStockLevelModel[], counting: ReadonlySet<number>): number {
  let sum = 0;
  for (const s of stock) if (counting.has(s.idwarehouse)) sum += s.freeStock;
  return sum;
}

/** One call per distinct id (Picqer has no multi-id filter here); a 404 is a null, not an error. */
function byIdLoader<W, M>(get: (id: number) => Promise<W>, map: (w: W) => M): KnownFirstLoader<number, M | null> {
  return new KnownFirstLoader<number, M | null>(async (ids) =>
    settle(
      ids.map(async (id) => {
        const w = await nullOn404(get(id));
        return w === null ? null : map(w);
      }),
    ),
  );
}

/** All warehouses, every page, fetched once per request (and shared through the cache when there is one). */
function warehouseList({ client, o, cached }: Calls): () => Promise<PicqerWarehouseModel[]> {
  let all: Promise<PicqerWarehouseModel[]> | undefined;
  const fetchAll = async (): Promise<PicqerWarehouseModel[]> => {
    const rows: PicqerWarehouseModel[] = [];
    for (let offset = 0; ; offset += PICQER_PAGE_SIZE) {
      const page = await client.listWarehouses(offset, o);
      rows.push(...page.map(toWarehouse));
      if (page.length < PICQER_PAGE_SIZE) return rows;
    }
  };
  const viaCache = async (c: PicqerCacheBinding): Promise<PicqerWarehouseModel[]> => {
    const [rows] = await c.cache.load({
      upstream: 'picqer',
      type: 'warehouses',
      namespace: c.namespace,
      keys: ['all'],
      id: (k) => k,
      fetch: async () => [await fetchAll()],
      usage: o.accounting,
    });
    if (rows instanceof Error) throw rows;
    return rows ?? [];
  };
  return () => (all ??= cached ? viaCache(cached) : fetchAll());
}

/** One call per distinct (kind, filter) within the request. */
function listMemo(): <T>(kind: string, filter: object, load: () => Promise<T>) => Promise<T> {
  const lists = new Map<string, Promise<unknown>>();
  return <T>(kind: string, filter: object, load: () => Promise<T>): Promise<T> => {
    const key = `${kind}:${JSON.stringify(filter)}`;
    let p = lists.get(key) as Promise<T> | undefined;
    if (!p) {
      p = load();
      lists.set(key, p);
    }
    return p;
  };
}

/** Tells the by-id loader every row of a list page; a row's model is made only if its id is loaded. */
function knowAll<K, W, M>(loader: KnownFirstLoader<K, M | null>, rows: LazyRows<W, M>, key: (wire: W) => K): LazyRows<W, M> {
  loader.knowRows(rows, key);
  return rows;
}

async function nullOn404<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof UpstreamError && err.status === 404) return null;
    throw err;
  }
}
