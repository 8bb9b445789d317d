import DataLoader from 'dataloader';
import { UpstreamError } from '../../errors';
import type { CallAccounting } from '../upstream/accounting';
import type { ProductCodeIndex } from './code-index';
import { PICQER_PAGE_SIZE, type PicqerClient, type ProductListFilter, type OrderListFilter, type PicklistListFilter } from './client';
import type { PicqerOrderWire, PicqerPicklistWire, PicqerProductWire, PicqerWarehouseWire } from './wire';

/**
 * Per-request DataLoaders over Picqer. Each batches what Picqer lets us batch and deduplicates
 * the rest, so a nested query never makes one call per row where one call per 100 rows will do:
 * - products by id: the `idproducts` filter, 100 ids a call;
 * - products by code: batched by id where the code index knows the id from an earlier answer,
 *   else one call per code (Picqer has no multi-code filter);
 * - orders and picklists by id: no multi-id filter either, so one call per distinct id, made once
 *   per request and primed from any list we already fetched;
 * - lists: one call per distinct (filter, offset), so a page asked twice is fetched once.
 */
export interface PicqerLoaders {
  productById: DataLoader<number, PicqerProductWire | null>;
  productByCode: DataLoader<string, PicqerProductWire | null>;
  orderById: DataLoader<number, PicqerOrderWire | null>;
  picklistById: DataLoader<number, PicqerPicklistWire | null>;
  warehouses: () => Promise<PicqerWarehouseWire[]>;
  warehouseById: (id: number) => Promise<PicqerWarehouseWire | null>;
  productList: (filter: ProductListFilter) => Promise<PicqerProductWire[]>;
  orderList: (filter: OrderListFilter) => Promise<PicqerOrderWire[]>;
  picklistList: (filter: PicklistListFilter) => Promise<PicqerPicklistWire[]>;
}

export function createPicqerLoaders(client: PicqerClient, accounting: CallAccounting, codes?: ProductCodeIndex): PicqerLoaders {
  const o = { accounting };

  const primeProducts = (rows: PicqerProductWire[]): void => {
    for (const p of rows) {
      productById.prime(p.idproduct, p);
      productByCode.prime(p.productcode, p);
      codes?.set(p.productcode, p.idproduct);
    }
  };

  const productById: DataLoader<number, PicqerProductWire | null> = new DataLoader(
    async (ids) => {
      const found = new Map<number, PicqerProductWire>();
      const chunks: number[][] = [];
      for (let i = 0; i < ids.length; i += PICQER_PAGE_SIZE) chunks.push(ids.slice(i, i + PICQER_PAGE_SIZE));
      await Promise.all(
        chunks.map(async (chunk) => {
          for (const p of await client.listProducts({ idproducts: chunk }, o)) found.set(p.idproduct, p);
        }),
      );
      for (const p of found.values()) {
        productByCode.prime(p.productcode, p);
        codes?.set(p.productcode, p.idproduct);
      }
      return ids.map((id) => found.get(id) ?? null);
    },
    { maxBatchSize: PICQER_PAGE_SIZE * 10 },
  );

  const byCodeCall = async (code: string): Promise<PicqerProductWire | null> => {
    // The productcode filter may match more than one code in theory; only an exact match counts.
    const rows = await client.listProducts({ productcode: code }, o);
    const hit = rows.find((p) => p.productcode === code) ?? null;
    if (hit) {
      productById.prime(hit.idproduct, hit);
      codes?.set(code, hit.idproduct);
    }
    return hit;
  };

  const productByCode: DataLoader<string, PicqerProductWire | null> = new DataLoader(async (keys) =>
    settle(
      keys.map(async (code) => {
        const id = codes?.get(code);
        if (id !== undefined) {
          const p = await productById.load(id);
          if (p?.productcode === code) return p;
          codes?.forget(code); // renamed or deleted since we saw it
        }
        return byCodeCall(code);
      }),
    ),
  );

  const orderById = new DataLoader<number, PicqerOrderWire | null>(async (ids) =>
    settle(ids.map((id) => nullOn404(client.getOrder(id, o)))),
  );
  const picklistById = new DataLoader<number, PicqerPicklistWire | null>(async (ids) =>
    settle(ids.map((id) => nullOn404(client.getPicklist(id, o)))),
  );

  let warehousesP: Promise<PicqerWarehouseWire[]> | undefined;
  const warehouses = (): Promise<PicqerWarehouseWire[]> =>
    (warehousesP ??= (async () => {
      const all: PicqerWarehouseWire[] = [];
      for (let offset = 0; ; offset += PICQER_PAGE_SIZE) {
        const page = await client.listWarehouses(offset, o);
        all.push(...page);
        if (page.length < PICQER_PAGE_SIZE) return all;
      }
    })());

  const lists = new Map<string, Promise<unknown>>();
  const memo = <T>(kind: string, filter: object, load: () => Promise<T>): Promise<T> => {
    const key = `${kind}:${JSON.stringify(filter)}`;
    let p = lists.get(key) as Promise<T> | undefined;
    if (!p) {
      p = load();
      lists.set(key, p);
    }
    return p;
  };

  return {
    productById,
    productByCode,
    orderById,
    picklistById,
    warehouses,
    warehouseById: async (id) => (await warehouses()).find((w) => w.idwarehouse === id) ?? null,
    productList: (filter) =>
      memo('products', filter, async () => {
        const rows = await client.listProducts(filter, o);
        primeProducts(rows);
        return rows;
      }),
    orderList: (filter) =>
      memo('orders', filter, async () => {
        const rows = await client.listOrders(filter, o);
        for (const r of rows) orderById.prime(r.idorder, r);
        return rows;
      }),
    picklistList: (filter) =>
      memo('picklists', filter, async () => {
        const rows = await client.listPicklists(filter, o);
        for (const r of rows) picklistById.prime(r.idpicklist, r);
        return rows;
      }),
  };
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
