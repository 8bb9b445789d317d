import DataLoader from 'dataloader';
import { UpstreamError } from '../../errors';
import type { CallAccounting } from '../upstream/accounting';
import type { ProductCodeIndex } from './code-index';
import { PICQER_PAGE_SIZE, type CallOptions, type OrderListFilter, type PicklistListFilter, type PicqerClient, type ProductListFilter } from './client';
import { toOrder, toPicklist, toProduct, toWarehouse } from './map';
import type { PicqerOrderModel, PicqerPicklistModel, PicqerProductModel, PicqerStockLevelModel, PicqerWarehouseModel } from './model';

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
export interface PicqerLoaders {
  productById: DataLoader<number, PicqerProductModel | null>;
  productByCode: DataLoader<string, PicqerProductModel | null>;
  orderById: DataLoader<number, PicqerOrderModel | null>;
  /** By order number; only an exact match counts (Picqer's filter may match more). */
  orderByOrderid: (orderid: string) => Promise<PicqerOrderModel | null>;
  picklistById: DataLoader<number, PicqerPicklistModel | null>;
  /** By picklist number; only an exact match counts. */
  picklistByPicklistid: (picklistid: string) => Promise<PicqerPicklistModel | null>;
  warehouses: () => Promise<PicqerWarehouseModel[]>;
  warehouseById: (id: number) => Promise<PicqerWarehouseModel | null>;
  /** Picqer's general free stock of a product's stock rows (see generalFreeStock). */
  generalFreeStock: (stock: readonly PicqerStockLevelModel[]) => Promise<number>;
  productList: (filter: ProductListFilter) => Promise<PicqerProductModel[]>;
  orderList: (filter: OrderListFilter) => Promise<PicqerOrderModel[]>;
  picklistList: (filter: PicklistListFilter) => Promise<PicqerPicklistModel[]>;
}

/** What every loader of one request shares: the client, who pays, and the cross-request code index. */
interface Calls {
  client: PicqerClient;
  o: CallOptions;
  codes?: ProductCodeIndex;
}

export function createPicqerLoaders(client: PicqerClient, accounting: CallAccounting, codes?: ProductCodeIndex): PicqerLoaders {
  const calls: Calls = { client, o: { accounting }, codes };
  const products = productLoaders(calls);
  const orderById = byIdLoader((id) => client.getOrder(id, calls.o), toOrder);
  const picklistById = byIdLoader((id) => client.getPicklist(id, calls.o), toPicklist);
  const warehouses = warehouseList(calls);
  const memo = listMemo();

  const productList = (filter: ProductListFilter): Promise<PicqerProductModel[]> =>
    memo('products', filter, async () => products.prime((await client.listProducts(filter, calls.o)).map(toProduct)));
  const orderList = (filter: OrderListFilter): Promise<PicqerOrderModel[]> =>
    memo('orders', filter, async () => primeAll(orderById, (await client.listOrders(filter, calls.o)).map(toOrder), (r) => r.idorder));
  const picklistList = (filter: PicklistListFilter): Promise<PicqerPicklistModel[]> =>
    memo('picklists', filter, async () => primeAll(picklistById, (await client.listPicklists(filter, calls.o)).map(toPicklist), (r) => r.idpicklist));

  return {
    productById: products.byId,
    productByCode: products.byCode,
    orderById,
    orderByOrderid: async (orderid) => (await orderList({ orderid })).find((r) => r.orderid === orderid) ?? null,
    picklistById,
    picklistByPicklistid: async (picklistid) => (await picklistList({ picklistid })).find((r) => r.picklistid === picklistid) ?? null,
    warehouses,
    warehouseById: async (id) => (await warehouses()).find((w) => w.idwarehouse === id) ?? null,
    generalFreeStock: async (stock) => generalFreeStock(stock, await warehouses()),
    productList,
    orderList,
    picklistList,
  };
}

/**
 * Picqer's general free stock of a product: `freeStock` summed over the warehouses whose
 * `counts_for_general_stock` is true ("counts for the consolidated stock for the products",
 * Picqer's warehouses page). A quarantine or returns warehouse holds stock that is not for sale,
 * so it is left out. A row whose warehouse is not in `warehouses` (removed since) does not count.
 */
export function generalFreeStock(stock: readonly PicqerStockLevelModel[], warehouses: readonly PicqerWarehouseModel[]): number {
  const counting = new Set(warehouses.filter((w) => w.countsForGeneralStock).map((w) => w.idwarehouse));
  return stock.reduce((sum, s) => (counting.has(s.idwarehouse) ? sum + s.freeStock : sum), 0);
}

/**
 * Products by id and by code, each priming the other: a product found one way is known the
 * other way for the rest of the request, and its code goes into the cross-request index.
 */
function productLoaders(calls: Calls): {
  byId: DataLoader<number, PicqerProductModel | null>;
  byCode: DataLoader<string, PicqerProductModel | null>;
  prime: (rows: PicqerProductModel[]) => PicqerProductModel[];
} {
  const { client, o, codes } = calls;
  const byId: DataLoader<number, PicqerProductModel | null> = new DataLoader(
    async (ids) => {
      const found = new Map<number, PicqerProductModel>();
      await Promise.all(
        chunk(ids, PICQER_PAGE_SIZE).map(async (idproducts) => {
          for (const w of await client.listProducts({ idproducts }, o)) found.set(w.idproduct, toProduct(w));
        }),
      );
      for (const p of found.values()) remember(p, { byCode: true });
      return ids.map((id) => found.get(id) ?? null);
    },
    { maxBatchSize: PICQER_PAGE_SIZE * 10 },
  );
  const byCode: DataLoader<string, PicqerProductModel | null> = new DataLoader(async (keys) => settle(keys.map(loadByCode)));

  /** Primes the loader(s) not asked and records the code's id for later requests. */
  function remember(p: PicqerProductModel, prime: { byId?: boolean; byCode?: boolean }): void {
    if (prime.byId) byId.prime(p.idproduct, p);
    if (prime.byCode) byCode.prime(p.productcode, p);
    codes?.set(p.productcode, p.idproduct);
  }

  async function loadByCode(code: string): Promise<PicqerProductModel | null> {
    const id = codes?.get(code);
    if (id !== undefined) {
      const p = await byId.load(id);
      if (p?.productcode === code) return p;
      codes?.forget(code); // renamed or deleted since we saw it
    }
    // The productcode filter may match more than one code in theory; only an exact match counts.
    const hit = (await client.listProducts({ productcode: code }, o)).find((w) => w.productcode === code);
    if (!hit) return null;
    const p = toProduct(hit);
    remember(p, { byId: true });
    return p;
  }

  return {
    byId,
    byCode,
    prime: (rows) => {
      for (const p of rows) remember(p, { byId: true, byCode: true });
      return rows;
    },
  };
}

/** One call per distinct id (Picqer has no multi-id filter here); a 404 is a null, not an error. */
function byIdLoader<W, M>(get: (id: number) => Promise<W>, map: (w: W) => M): DataLoader<number, M | null> {
  return new DataLoader<number, M | null>(async (ids) =>
    settle(
      ids.map(async (id) => {
        const w = await nullOn404(get(id));
        return w === null ? null : map(w);
      }),
    ),
  );
}

/** All warehouses, every page, fetched once per request. */
function warehouseList({ client, o }: Calls): () => Promise<PicqerWarehouseModel[]> {
  let all: Promise<PicqerWarehouseModel[]> | undefined;
  return () =>
    (all ??= (async () => {
      const rows: PicqerWarehouseModel[] = [];
      for (let offset = 0; ; offset += PICQER_PAGE_SIZE) {
        const page = await client.listWarehouses(offset, o);
        rows.push(...page.map(toWarehouse));
        if (page.length < PICQER_PAGE_SIZE) return rows;
      }
    })());
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

function primeAll<K, M>(loader: DataLoader<K, M | null>, rows: M[], key: (row: M) => K): M[] {
  for (const r of rows) loader.prime(key(r), r);
  return rows;
}

function chunk<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

async function nullOn404<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof UpstreamError && err.status === 404) return null;
    throw err;
  }
}

/** One failing key must not fail its batch-mates: DataLoader takes an Error per key. */
async function settle<T>(ps: Array<Promise<T>>): Promise<Array<T | Error>> {
  const results = await Promise.allSettled(ps);
  return results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason instanceof Error ? r.reason : new Error(String(r.reason))));
}
