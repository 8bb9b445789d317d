import type DataLoader from 'dataloader';
import { KnownFirstLoader } from '../../util/known-first-loader';
import { LazyRows, type RowSource } from '../../util/lazy-rows';
import { UpstreamError } from '../../errors';
import type { CallAccounting } from '../upstream/accounting';
import type { ProductCodeIndex } from './code-index';
import { productLoaders, settle, type PicqerCacheBinding, type ProductCalls } from './product-loaders';
import { PICQER_PAGE_SIZE, type OrderListFilter, type PicklistListFilter, type PicqerClient, type ProductListFilter } from './client';
import { toOrder, toPicklist, toWarehouse } from './map';
import type {
  PicqerOrderModel,
  PicqerPicklistModel,
  PicqerProductModel,
  PicqerProductRow,
  PicqerStockLevelModel,
  PicqerStockWithWarehouse,
  PicqerWarehouseModel,
  ProductRowNeeds,
} from './model';
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
   * The product as the schema answers it, with what `needs` names made (model.ts, PicqerProductRow):
   * a copy, the product itself when nothing is needed. Synchronous once the warehouses are known,
   * except for a virtual composition's stock; never rejects (what failed is in the row).
   */
  productRow: (product: PicqerProductModel, needs: ProductRowNeeds) => PicqerProductModel | PicqerProductRow | Promise<PicqerProductRow>;
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
  let index: WarehouseIndex | undefined;
  const loaded = (): Promise<PicqerWarehouseModel[]> =>
    warehouses().then((rows) => {
      if (known !== rows) [known, index] = [rows, warehouseIndex(rows)];
      return rows;
    });
  const memo = listMemo();

  const productList = (filter: ProductListFilter, need = PICQER_PAGE_SIZE) => memo('products', { filter, need }, () => products.list(filter, need));
  const orderList = (filter: OrderListFilter) =>
    memo('orders', filter, async () => knowAll(orderById, new LazyRows(await client.listOrders(filter, calls.o), toOrder), (w) => w.idorder));
  const picklistList = (filter: PicklistListFilter) =>
    memo('picklists', filter, async () => knowAll(picklistById, new LazyRows(await client.listPicklists(filter, calls.o), toPicklist), (w) => w.idpicklist));

  const more = warehouseLoaders(client, calls.o, { productById: products.byId, picklistById });
  // The warehouse list once it is known, or the promise of it (its failure: what the row's fields answer).
  const indexed = (): WarehouseIndex | Promise<WarehouseIndex> => index ?? loaded().then(() => index ?? warehouseIndex([]));
  const productRow = (p: PicqerProductModel, needs: ProductRowNeeds): PicqerProductModel | PicqerProductRow | Promise<PicqerProductRow> => {
    if (!needs.stock && !needs.freeStock) return p;
    const rows = more.stockOf(p);
    if (rows instanceof Promise)
      return rows.then(
        (r) => rowWith(p, r, needs, indexed),
        (err: unknown) => failedRow(p, err, needs),
      );
    return rowWith(p, rows, needs, indexed);
  };

  return {
    productById: products.byId,
    productByCode: products.byCode,
    orderById,
    orderByOrderid: async (orderid) => (await orderList({ orderid })).findByWire((w) => w.orderid === orderid) ?? null,
    picklistById,
    picklistByPicklistid: async (picklistid) => (await picklistList({ picklistid })).findByWire((w) => w.picklistid === picklistid) ?? null,
    warehouses: loaded,
    warehouseById: (id) => (index ? (index.byId.get(id) ?? null) : loaded().then(() => index?.byId.get(id) ?? null)),
    productRow,
    productList,
    orderList,
    picklistList,
    // Bundles, incoming stock, shipments, customers, backorders, locations (warehouse-loaders.ts).
    ...more,
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

/**
 * A product row from the stock the schema shows (`rows`: a bundle's are computed): the warehouse
 * list is waited for only when `freeStock` or a row's `warehouse` is asked. If it cannot be read,
 * those fields answer its error and `stock` without warehouses still answers.
 */
function rowWith(
  p: PicqerProductModel,
  rows: PicqerStockLevelModel[],
  needs: ProductRowNeeds,
  index: () => WarehouseIndex | Promise<WarehouseIndex>,
): PicqerProductRow | Promise<PicqerProductRow> {
  // A row knows its product for `locations`; a bundle has no locations of its own.
  const idproduct = needs.locations && p.type !== 'virtual_composition' ? p.idproduct : undefined;
  if (!needs.freeStock && !needs.warehouse) return rowOf(p, needs.stock ? withProduct(rows, idproduct) : p.stock, undefined);
  const known = index();
  if (known instanceof Promise) {
    return known.then(
      (i) => completeRow(p, rows, needs, i, idproduct),
      (err: unknown) => {
        const error = asError(err);
        return rowOf(p, needs.stock ? (needs.warehouse ? error : withProduct(rows, idproduct)) : p.stock, needs.freeStock ? error : undefined);
      },
    );
  }
  return completeRow(p, rows, needs, known, idproduct);
}

function completeRow(
  p: PicqerProductModel,
  rows: PicqerStockLevelModel[],
  needs: ProductRowNeeds,
  i: WarehouseIndex,
  idproduct: number | undefined,
): PicqerProductRow {
  const stock = !needs.stock ? p.stock : needs.warehouse ? attachWarehouses(rows, i.byId, idproduct) : withProduct(rows, idproduct);
  return rowOf(p, stock, needs.freeStock ? freeIn(rows, i.counting) : undefined);
}

/** A product whose shown stock could not be made (a bundle's part failed): `stock` and `freeStock` answer the error. */
function failedRow(p: PicqerProductModel, err: unknown, needs: ProductRowNeeds): PicqerProductRow {
  const error = asError(err);
  return rowOf(p, needs.stock ? error : p.stock, needs.freeStock ? error : undefined);
}

/** One shape for every row (an object literal, not a spread copy: see attachWarehouses). */
function rowOf(p: PicqerProductModel, stock: PicqerProductRow['stock'], freeStock: PicqerProductRow['freeStock']): PicqerProductRow {
  return { id: p.id, idproduct: p.idproduct, productcode: p.productcode, name: p.name, barcode: p.barcode, price: p.price, type: p.type, stock, freeStock };
}

/** Stock rows that know their product (for `locations`), or the rows as they are. */
function withProduct(rows: PicqerStockLevelModel[], idproduct: number | undefined): PicqerStockLevelModel[] {
  if (idproduct === undefined) return rows;
  return rows.map((s) => ({ idwarehouse: s.idwarehouse, stock: s.stock, reserved: s.reserved, freeStock: s.freeStock, idproduct }));
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
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
