import DataLoader from 'dataloader';
import { UpstreamError } from '../../errors';
import { composeStock, MAX_COMPOSITION_DEPTH } from './bundle-stock';
import { PICQER_PAGE_SIZE, type CallOptions, type PicqerClient } from './client';
import { toPicklist } from './map';
import type { PicqerPicklistModel, PicqerProductModel, PicqerStockLevelModel } from './model';
import { settle } from './product-loaders';
import { warehouseCalls } from './warehouse-calls';
import { toBackorder, toCustomer, toLocationStock, toPurchaseOrder, toShipment } from './warehouse-map';
import type {
  PicqerBackorderModel,
  PicqerCustomerModel,
  PicqerIncomingModel,
  PicqerLocationStockModel,
  PicqerPartModel,
  PicqerPurchaseOrderModel,
  PicqerShipmentModel,
  PicqerSupplierModel,
} from './warehouse-model';
import type { PicqerPurchaseOrderStatus, PicqerSupplierWire } from './warehouse-wire';

/**
 * Per-request loaders for bundles, incoming stock, shipments, customers, backorders and stock per
 * location. What Picqer lets us batch is batched, the rest deduplicated per request:
 * - parts: one call per composition (no multi-product filter); the parts' products then batch by id;
 * - incoming stock: the open ("purchased") purchase orders, read once per request a page of 100 at a
 *   time and indexed by product, so a page of products costs the same few calls as one product;
 * - suppliers: the supplier list, once per request;
 * - customers, shipments of a picklist, backorders of a product and stock per location: one call
 *   per distinct key.
 * Customers are personal data: never cached, not even in the shared entity cache.
 */
export interface WarehouseLoaders {
  partsOf: DataLoader<number, PicqerPartModel[]>;
  /** A product's stock rows: its own, or for a virtual composition what its parts allow (bundle-stock.ts). */
  stockOf: (product: PicqerProductModel) => PicqerStockLevelModel[] | Promise<PicqerStockLevelModel[]>;
  incomingOf: (idproduct: number) => Promise<PicqerIncomingModel[]>;
  purchaseOrderList: (filter: { offset: number; status?: PicqerPurchaseOrderStatus }) => Promise<PicqerPurchaseOrderModel[]>;
  supplierById: DataLoader<number, PicqerSupplierModel | null>;
  shipmentsOfPicklist: DataLoader<number, PicqerShipmentModel[]>;
  picklistsOfOrder: DataLoader<number, PicqerPicklistModel[]>;
  customerById: DataLoader<number, PicqerCustomerModel | null>;
  customerList: (filter: { offset: number; search?: string }) => Promise<PicqerCustomerModel[]>;
  backorderList: (filter: { offset: number; idproduct?: number }) => Promise<PicqerBackorderModel[]>;
  backordersOfProduct: DataLoader<number, PicqerBackorderModel[]>;
  /** Key `${idproduct}:${idwarehouse}`. */
  locationsOf: DataLoader<string, PicqerLocationStockModel[]>;
}

/** The loaders of the base set these build on. */
export interface WarehouseLoaderDeps {
  productById: DataLoader<number, PicqerProductModel | null>;
  picklistById: DataLoader<number, PicqerPicklistModel | null>;
}

/** Most pages of open purchase orders read for incoming stock (10,000 orders). */
const MAX_PURCHASE_ORDER_PAGES = 100;
/**
 * Suppliers are read as a list, once per request (an account has few: one call answers every
 * supplier on a page, where one call per supplier would not), up to this many pages.
 */
const MAX_SUPPLIER_PAGES = 5;

export function warehouseLoaders(client: PicqerClient, o: CallOptions, deps: WarehouseLoaderDeps): WarehouseLoaders {
  const calls = warehouseCalls(client, o);
  const partsOf = perKey<number, PicqerPartModel[]>(async (id) =>
    (await emptyOn404(calls.parts(id))).map((p) => ({ idproduct: p.idproduct, amount: p.amount })),
  );
  const stockOf = (product: PicqerProductModel, depth = 0): PicqerStockLevelModel[] | Promise<PicqerStockLevelModel[]> =>
    product.type !== 'virtual_composition' || depth > MAX_COMPOSITION_DEPTH ? product.stock : bundleStock(product.idproduct, depth);
  const bundleStock = async (idproduct: number, depth: number): Promise<PicqerStockLevelModel[]> => {
    const parts = await partsOf.load(idproduct);
    const products = await deps.productById.loadMany(parts.map((p) => p.idproduct));
    const rows = await Promise.all(
      parts.map(async (part, i) => {
        const p = products[i];
        if (p instanceof Error) throw p;
        return { amount: part.amount, stock: p ? await stockOf(p, depth + 1) : [] };
      }),
    );
    return composeStock(rows);
  };
  let open: Promise<Map<number, PicqerIncomingModel[]>> | undefined;
  let suppliers: Promise<PicqerSupplierWire[]> | undefined;
  const incoming = (): Promise<Map<number, PicqerIncomingModel[]>> => (open ??= openPurchaseOrders(calls).then(indexIncoming));
  const picklistsOfOrder = perKey<number, PicqerPicklistModel[]>(async (idorder) => {
    const rows = (await calls.picklistsOfOrder(idorder)).map(toPicklist).filter((p) => p.idorder === idorder);
    for (const p of rows) deps.picklistById.prime(p.idpicklist, p);
    return rows;
  });
  return {
    partsOf,
    stockOf: (p) => stockOf(p),
    incomingOf: async (idproduct) => (await incoming()).get(idproduct) ?? [],
    purchaseOrderList: async (f) => (await calls.purchaseOrders(f.offset, f.status)).map(toPurchaseOrder),
    supplierById: perKey(async (id) => {
      const all = await (suppliers ??= allPages((offset) => calls.suppliers(offset), MAX_SUPPLIER_PAGES));
      // Past the pages read, a supplier is asked for by id.
      const s = all.find((x) => x.idsupplier === id) ?? (all.length >= MAX_SUPPLIER_PAGES * PICQER_PAGE_SIZE ? await nullOn404(calls.supplier(id)) : null);
      return s && { idsupplier: s.idsupplier, name: s.name };
    }),
    shipmentsOfPicklist: perKey(async (id) => (await emptyOn404(calls.shipments(id))).map(toShipment)),
    picklistsOfOrder,
    customerById: perKey(async (id) => {
      const c = await nullOn404(calls.customer(id));
      return c && toCustomer(c);
    }),
    customerList: async (f) => (await calls.customers(f.offset, f.search)).map(toCustomer),
    backorderList: async (f) => (await calls.backorders(f.offset, f.idproduct)).map(toBackorder),
    backordersOfProduct: perKey(async (idproduct) => (await allPages((offset) => calls.backorders(offset, idproduct), 20)).map(toBackorder)),
    locationsOf: perKey(async (key) => {
      const [idproduct, idwarehouse] = key.split(':').map(Number);
      const row = await nullOn404(calls.warehouseStock(idproduct, idwarehouse));
      return (row?.locations ?? []).map(toLocationStock);
    }),
  };
}

async function openPurchaseOrders(calls: ReturnType<typeof warehouseCalls>): Promise<PicqerPurchaseOrderModel[]> {
  return (await allPages((offset) => calls.purchaseOrders(offset, 'purchased'), MAX_PURCHASE_ORDER_PAGES)).map(toPurchaseOrder);
}

/** Each product's open purchase order lines, soonest expected first (undated last). */
function indexIncoming(orders: PicqerPurchaseOrderModel[]): Map<number, PicqerIncomingModel[]> {
  const byProduct = new Map<number, PicqerIncomingModel[]>();
  for (const po of orders) {
    for (const line of po.lines) {
      const amount = line.amount - line.received;
      if (amount <= 0) continue;
      const list = byProduct.get(line.idproduct) ?? [];
      list.push({ amount, expectedAt: line.expectedAt, purchaseOrder: po });
      byProduct.set(line.idproduct, list);
    }
  }
  for (const list of byProduct.values()) list.sort((a, b) => (a.expectedAt ?? '9999').localeCompare(b.expectedAt ?? '9999'));
  return byProduct;
}

async function allPages<T>(page: (offset: number) => Promise<T[]>, maxPages: number): Promise<T[]> {
  const rows: T[] = [];
  for (let i = 0; i < maxPages; i++) {
    const batch = await page(i * PICQER_PAGE_SIZE);
    rows.push(...batch);
    if (batch.length < PICQER_PAGE_SIZE) break;
  }
  return rows;
}

/** One call per distinct key within the request (Picqer has no multi-id filter for these). */
function perKey<K, V>(load: (key: K) => Promise<V>): DataLoader<K, V> {
  return new DataLoader<K, V>(async (keys) => settle(keys.map(load)));
}

async function nullOn404<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof UpstreamError && err.status === 404) return null;
    throw err;
  }
}

async function emptyOn404<T>(p: Promise<T[]>): Promise<T[]> {
  return (await nullOn404(p)) ?? [];
}
