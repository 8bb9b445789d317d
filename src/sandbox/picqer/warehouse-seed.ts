import { prng } from '../catalog';
import { picqerTimestamp } from './http-util';
import type { OrderRecord, PicklistRecord, ProductRecord } from './model';
import { newProductRecord } from './records';
import type { PicqerSeed } from './seed';
import type {
  BackorderRecord,
  ProductPartRecord,
  PurchaseOrderProductRecord,
  PurchaseOrderRecord,
  PurchaseOrderStatus,
  ShipmentRecord,
  SupplierRecord,
} from './warehouse-model';

/**
 * Deterministic seed of the resources in warehouse-model.ts. Bundles (virtual compositions) are
 * appended to the seed's products before the store is built, so they are ordinary products to
 * every list and lookup; they have no stock of their own (every stock row 0: Picqer computes a
 * virtual composition's stock from its parts, the gateway does the same). Everything is invented.
 */

export interface WarehouseSeed {
  /** Parts per composition, by the composition's idproduct. */
  parts: Map<number, ProductPartRecord[]>;
  suppliers: SupplierRecord[];
  purchaseOrders: PurchaseOrderRecord[];
  shipments: ShipmentRecord[];
  backorders: BackorderRecord[];
}

export interface WarehouseSeedOptions {
  /** Virtual compositions appended after the catalog's products. Default 0. */
  bundles: number;
  seed: number;
  now: () => number;
  timeZone?: string;
}

/** Bundle ids start here, far above the catalog's. */
export const FIRST_BUNDLE_ID = 900_001;
const SUPPLIERS = ['Demo Supplier Noord', 'Demo Supplier Zuid', 'Voorbeeld Groothandel', 'Fictief Import', 'Proef Leveranciers'];
const CARRIERS = [
  { provider: 'postnl', public: 'PostNL', key: 'postnl' },
  { provider: 'dhl', public: 'DHL Parcel', key: 'dhl_parcel_nl' },
  { provider: 'dpd', public: 'DPD', key: 'dpd' },
] as const;
const DAY_MS = 86_400_000;

/** Seeds everything and appends the bundles to `seed.products` (so call it before building the store). */
export function seedWarehouse(seed: PicqerSeed, opts: WarehouseSeedOptions): WarehouseSeed {
  const rnd = prng(opts.seed + 104_729);
  const ts = (ms: number): string => picqerTimestamp(ms, opts.timeZone);
  const normal = seed.products.filter((p) => p.type === 'normal').slice(0, 60);
  const parts = seedBundles(seed, normal, opts.bundles, rnd, ts(opts.now()));
  const suppliers = SUPPLIERS.map((name, i) => ({ idsupplier: 501 + i, name, language: 'nl', remarks: '' }));
  return {
    parts,
    suppliers,
    purchaseOrders: seedPurchaseOrders(normal, suppliers, rnd, opts.now(), ts),
    shipments: seed.picklists.filter((pl) => pl.status === 'closed').map((pl, i) => newShipment(600_001 + i, pl, pl.closed_at ?? pl.updated)),
    backorders: seedBackorders(seed.orders, rnd),
  };
}

/** A shipment of `pl` as a shipping provider would have answered it (invented codes and URLs). */
export function newShipment(idshipment: number, pl: PicklistRecord, created: string): ShipmentRecord {
  const c = CARRIERS[idshipment % CARRIERS.length];
  const trackingcode = `3SDEMO${String(idshipment).padStart(9, '0')}`;
  return {
    idshipment,
    idpicklist: pl.idpicklist,
    idorder: pl.idorder,
    idreturn: null,
    idcompany_shippingprovider: 40 + (idshipment % CARRIERS.length),
    labelurl_pdf: `https://labels.example.invalid/${idshipment}.pdf`,
    labelurl_zpl: `https://labels.example.invalid/${idshipment}.zpl`,
    provider: c.provider,
    providername: c.public,
    public_providername: c.public,
    carrier_key: c.key,
    trackingcode,
    tracktraceurl: `https://tracking.example.invalid/${c.key}/${trackingcode}`,
    weight: 500 + (idshipment % 20) * 100,
    cancelled: false,
    created,
  };
}

function seedBundles(seed: PicqerSeed, pool: ProductRecord[], count: number, rnd: () => number, stamp: string): Map<number, ProductPartRecord[]> {
  const parts = new Map<number, ProductPartRecord[]>();
  let nextPart = 700_000;
  const partOf = (p: ProductRecord, amount: number): ProductPartRecord => ({
    idproduct_part: ++nextPart,
    idproduct: p.idproduct,
    amount,
    productcode: p.productcode,
    name: p.name,
    type: p.type,
  });
  for (let i = 0; i < count && pool.length >= 3; i++) {
    const bundle = bundleProduct(FIRST_BUNDLE_ID + i, i, seed, stamp);
    const chosen = new Set<ProductRecord>();
    while (chosen.size < 2 + (i % 2)) chosen.add(pool[Math.floor(rnd() * pool.length)]);
    const list = [...chosen].map((p, k) => partOf(p, k === 0 ? 1 + (i % 3) : 1));
    // Every fourth bundle holds the first bundle too: a nested composition.
    if (i > 0 && i % 4 === 3)
      list.push(
        partOf(
          seed.products.find((p) => p.idproduct === FIRST_BUNDLE_ID)!,
          1,
        ),
      );
    seed.products.push(bundle);
    parts.set(bundle.idproduct, list);
  }
  return parts;
}

/** A virtual composition: a product as POST /products would create it (Picqer's defaults, empty stock rows), of type virtual_composition. */
function bundleProduct(idproduct: number, i: number, seed: PicqerSeed, stamp: string): ProductRecord {
  const input = {
    idvatgroup: 1,
    name: `Demo bundle ${i + 1}`,
    price: 49.95 + i * 10,
    productcode: `BUNDLE-${String(i + 1).padStart(3, '0')}`,
    description: 'A set of products picked together.',
    type: 'virtual_composition',
  } as const;
  return newProductRecord(idproduct, input, seed.warehouses, stamp);
}

function pickPoStatus(r: number): PurchaseOrderStatus {
  if (r < 0.45) return 'purchased';
  if (r < 0.7) return 'received';
  if (r < 0.85) return 'concept';
  return 'cancelled';
}

function seedPurchaseOrders(
  pool: ProductRecord[],
  suppliers: SupplierRecord[],
  rnd: () => number,
  now: number,
  ts: (ms: number) => string,
): PurchaseOrderRecord[] {
  const out: PurchaseOrderRecord[] = [];
  let line = 300_000;
  const date = (ms: number): string => ts(ms).slice(0, 10);
  for (let i = 0; i < 40 && pool.length > 0; i++) {
    const status = pickPoStatus(rnd());
    const supplier = i % 7 === 6 ? null : suppliers[i % suppliers.length];
    const delivery = now + (3 + Math.floor(rnd() * 30)) * DAY_MS;
    const created = ts(now - (40 - i) * DAY_MS);
    const lines: PurchaseOrderProductRecord[] = [];
    const n = 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < n; k++) {
      const p = pool[Math.floor(rnd() * pool.length)];
      if (lines.some((l) => l.idproduct === p.idproduct)) continue;
      const amount = 5 + Math.floor(rnd() * 20);
      lines.push({
        idpurchaseorder_product: ++line,
        idproduct: p.idproduct,
        productcode: p.productcode,
        name: p.name,
        price: Math.round(p.price * 55) / 100,
        amount,
        amountreceived: status === 'received' ? amount : 0,
        delivery_date: k === 0 ? null : date(delivery + k * DAY_MS),
      });
    }
    out.push({
      idpurchaseorder: 20_001 + i,
      idsupplier: supplier?.idsupplier ?? null,
      idwarehouse: i % 3 === 2 ? 2 : 1,
      purchaseorderid: `PO2024-${String(i + 1).padStart(5, '0')}`,
      supplier_name: supplier ? null : 'Losse leverancier (demo)',
      supplier_orderid: null,
      status,
      remarks: '',
      delivery_date: date(delivery),
      language: 'nl',
      created,
      updated: created,
      products: lines,
    });
  }
  return out;
}

function seedBackorders(orders: OrderRecord[], rnd: () => number): BackorderRecord[] {
  const out: BackorderRecord[] = [];
  for (const o of orders) {
    if (out.length >= 25) break;
    if (o.status !== 'processing' || rnd() > 0.4 || o.idcustomer === null) continue;
    const l = o.products[0];
    out.push({
      idbackorder: 40_001 + out.length,
      idorder_product: l.idorder_product,
      idorder: o.idorder,
      idreturn: null,
      idproduct: l.idproduct,
      idcustomer: o.idcustomer,
      idwarehouse: o.idwarehouse ?? 1,
      amount: 1 + Math.floor(rnd() * 3),
      amount_available: 0,
      priority: out.length + 1,
      part_of_idbackorder: null,
      parts_per_parent: null,
      created_at: o.created,
    });
  }
  return out;
}
