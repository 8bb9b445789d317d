import { demoCatalog, prng, type CatalogOptions } from '../catalog';

/**
 * The Shopify sandbox's shop, derived from the demo catalog so one product code means the same
 * product in every sandbox. The agreement with the Picqer sandbox (written down in
 * src/sandbox/README.md): available at Location/1 = catalog.stock[1] + shopifyDrift, available at
 * Location/2 = catalog.stock[2]. Picqer's free stock subtracts its own reservations, so a product
 * can look drifted by exactly its Picqer reservations; that is what a real shop would show too.
 */

export interface SandboxVariant {
  id: number;
  productId: number;
  productTitle: string;
  productStatus: 'ACTIVE' | 'ARCHIVED';
  title: string;
  sku: string;
  barcode: string;
  price: string;
  inventoryItemId: number;
  /** A bundle parent: inventorySetQuantities answers NON_MUTABLE_INVENTORY_ITEM. None are seeded; tests set it. */
  nonMutable?: boolean;
}

export interface SandboxLevel {
  inventoryItemId: number;
  locationId: number;
  available: number;
  /** Reserved by open (unfulfilled) orders; on_hand = available + committed. */
  committed: number;
  updatedAt: string;
}

export interface SandboxLocation {
  id: number;
  name: string;
}

export interface SandboxLineItem {
  id: number;
  variantId: number;
  sku: string;
  name: string;
  quantity: number;
}

export interface SandboxOrder {
  id: number;
  name: string;
  createdAt: string;
  financial: 'PAID' | 'PENDING' | 'AUTHORIZED';
  fulfillment: 'FULFILLED' | 'UNFULFILLED';
  lineItems: SandboxLineItem[];
}

export interface ShopState {
  variants: SandboxVariant[];
  variantById: Map<number, SandboxVariant>;
  variantByItemId: Map<number, SandboxVariant>;
  locations: SandboxLocation[];
  /** Keyed by `${inventoryItemId}:${locationId}`. */
  levels: Map<string, SandboxLevel>;
  orders: SandboxOrder[];
  /** Inventory adjustment groups made so far (their ids count up from 1). */
  adjustmentGroups: number;
  /** The shop's currency (Shop.currencyCode): ProductVariant.price is in it. */
  currencyCode: SandboxCurrencyCode;
}

/** The currencies a sandbox shop can be configured with (a subset of Shopify's CurrencyCode enum). */
export const SANDBOX_CURRENCY_CODES = ['EUR', 'USD', 'GBP', 'CAD', 'AUD', 'NZD', 'JPY', 'CHF', 'SEK', 'DKK', 'NOK', 'PLN', 'CZK'] as const;
export type SandboxCurrencyCode = (typeof SANDBOX_CURRENCY_CODES)[number];

export interface ShopStateOptions extends CatalogOptions {
  /** The shop's currency, served as `shop { currencyCode }`. Default EUR. */
  currencyCode?: SandboxCurrencyCode;
  /** Orders to invent. Default 25. */
  orders?: number;
  /**
   * Extra archived variants that repeat an existing SKU (Shopify does not keep SKUs unique).
   * They get higher ids, so "first match in id order" picks the original. Default 1.
   */
  duplicateSkus?: number;
  /**
   * What the shop last received from the warehouse for a product at a location (sandbox mode
   * passes Picqer's free stock, as a synced shop would have); the product's deliberate drift is
   * added on top. Default: the catalog's stock, so Picqer's reservations show as drift too.
   */
  baseAvailable?: (productcode: string, locationId: number) => number | undefined;
}

/** Numeric id ranges per resource, so a gid never collides across types. */
export const ID_BASE = { product: 1_000_000, variant: 4_000_000, item: 5_000_000, order: 6_000_000, line: 7_000_000 } as const;

export const SANDBOX_LOCATIONS: SandboxLocation[] = [
  { id: 1, name: 'Utrecht store stock' },
  { id: 2, name: 'Tilburg overflow stock' },
];

/** The gateway's SHOPIFY_LOCATION_MAP for this sandbox: Picqer warehouse id -> location gid. */
export const SANDBOX_LOCATION_MAP: Readonly<Record<number, string>> = Object.freeze({ 1: 'gid://shopify/Location/1', 2: 'gid://shopify/Location/2' });

export const levelKey = (itemId: number, locationId: number): string => `${itemId}:${locationId}`;

const EPOCH = Date.parse('2026-10-01T09:00:00Z');

/** Builds a fresh shop; deterministic for the same options. */
export function buildShopState(opts: ShopStateOptions = {}): ShopState {
  const catalog = demoCatalog({ products: opts.products, seed: opts.seed });
  const updatedAt = new Date(EPOCH).toISOString();
  const variants: SandboxVariant[] = [];
  const levels = new Map<string, SandboxLevel>();
  for (const p of catalog) {
    if (!p.inShopify) continue;
    const n = p.id - 10000;
    const v: SandboxVariant = {
      id: ID_BASE.variant + n,
      productId: ID_BASE.product + n,
      productTitle: p.name,
      productStatus: 'ACTIVE',
      title: 'Default Title',
      sku: p.productcode,
      barcode: p.barcode,
      price: p.price.toFixed(2),
      inventoryItemId: ID_BASE.item + n,
    };
    variants.push(v);
    const base = (loc: number): number => opts.baseAvailable?.(p.productcode, loc) ?? p.stock[loc] ?? 0;
    const stock: Record<number, number> = { 1: base(1) + p.shopifyDrift, 2: base(2) };
    for (const loc of SANDBOX_LOCATIONS) {
      levels.set(levelKey(v.inventoryItemId, loc.id), {
        inventoryItemId: v.inventoryItemId,
        locationId: loc.id,
        available: stock[loc.id] ?? 0,
        committed: 0,
        updatedAt,
      });
    }
  }
  // Duplicates live after every original id, so id order is "original first".
  const dupCount = Math.min(opts.duplicateSkus ?? 1, variants.length);
  for (let i = 0; i < dupCount; i++) {
    const orig = variants[(i * 7) % variants.length];
    const n = 900_000 + i;
    const dup: SandboxVariant = {
      ...orig,
      id: ID_BASE.variant + n,
      productId: ID_BASE.product + n,
      productStatus: 'ARCHIVED',
      productTitle: `${orig.productTitle} (old listing)`,
      inventoryItemId: ID_BASE.item + n,
    };
    variants.push(dup);
    for (const loc of SANDBOX_LOCATIONS) {
      levels.set(levelKey(dup.inventoryItemId, loc.id), { inventoryItemId: dup.inventoryItemId, locationId: loc.id, available: 0, committed: 0, updatedAt });
    }
  }
  const orders = buildOrders(
    variants.filter((v) => v.productStatus === 'ACTIVE'),
    opts.orders ?? 25,
    (opts.seed ?? 42) + 7,
  );
  // Open orders commit stock at Location/1 without touching `available` (the agreed figure).
  for (const o of orders) {
    if (o.fulfillment !== 'UNFULFILLED') continue;
    for (const li of o.lineItems) {
      const v = variants.find((x) => x.id === li.variantId)!;
      levels.get(levelKey(v.inventoryItemId, 1))!.committed += li.quantity;
    }
  }
  return {
    variants,
    variantById: new Map(variants.map((v) => [v.id, v])),
    variantByItemId: new Map(variants.map((v) => [v.inventoryItemId, v])),
    locations: SANDBOX_LOCATIONS.map((l) => ({ ...l })),
    levels,
    orders,
    adjustmentGroups: 0,
    currencyCode: opts.currencyCode ?? 'EUR',
  };
}

/** Quantity by Shopify's state name; states the sandbox does not model are 0. */
export function quantityOf(lv: SandboxLevel, name: string): number {
  if (name === 'available') return lv.available;
  if (name === 'committed') return lv.committed;
  if (name === 'on_hand') return lv.available + lv.committed;
  return 0;
}

function buildOrders(variants: SandboxVariant[], count: number, seed: number): SandboxOrder[] {
  const rnd = prng(seed);
  const out: SandboxOrder[] = [];
  let line = 0;
  for (let i = 1; i <= count && variants.length > 0; i++) {
    const lines: SandboxLineItem[] = [];
    const n = 1 + Math.floor(rnd() * 3);
    for (let j = 0; j < n; j++) {
      const v = variants[Math.floor(rnd() * variants.length)];
      lines.push({ id: ID_BASE.line + ++line, variantId: v.id, sku: v.sku, name: v.productTitle, quantity: 1 + Math.floor(rnd() * 2) });
    }
    const created = new Date(EPOCH + i * 3_600_000).toISOString();
    out.push({
      id: ID_BASE.order + i,
      name: `#${1000 + i}`,
      createdAt: created,
      financial: rnd() < 0.8 ? 'PAID' : rnd() < 0.5 ? 'PENDING' : 'AUTHORIZED',
      fulfillment: rnd() < 0.6 ? 'FULFILLED' : 'UNFULFILLED',
      lineItems: lines,
    });
  }
  return out;
}

/** `gid://shopify/{type}/{id}` */
export const gid = (type: string, id: number): string => `gid://shopify/${type}/${id}`;

/** The numeric id of a gid of the given type, or undefined. */
export function parseGid(value: unknown, type: string): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/.exec(value);
  return m && m[1] === type ? Number(m[2]) : undefined;
}
