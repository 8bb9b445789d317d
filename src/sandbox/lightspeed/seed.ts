import { demoCatalog, prng, type CatalogProduct } from '../catalog';

/**
 * Demo data for both Lightspeed sandboxes, derived from the shared catalog so that a Picqer
 * `productcode` is the Lightspeed SKU (eCom `sku` and `articleCode`, X-Series `sku`). Which
 * products each channel lists is drawn from its own seeded stream, so the catalog (and the other
 * sandboxes' data) stays as it is. Everything here is invented.
 */

export interface EcomVariant {
  id: number;
  productId: number;
  createdAt: string;
  updatedAt: string;
  isDefault: boolean;
  sortOrder: number;
  articleCode: string;
  ean: string;
  sku: string;
  title: string;
  priceExcl: number;
  priceIncl: number;
  priceCost: number;
  /** disabled: not tracked; enabled: tracked, no sale without stock; indicator: shown, sale allowed. */
  stockTracking: 'enabled' | 'disabled' | 'indicator';
  stockLevel: number;
  stockAlert: number;
  stockMinimum: number;
  stockSold: number;
}

export interface EcomProduct {
  id: number;
  createdAt: string;
  updatedAt: string;
  isVisible: boolean;
  visibility: 'visible' | 'hidden' | 'auto';
  url: string;
  title: string;
  fulltitle: string;
  description: string;
  variantIds: number[];
}

export interface RetailOutlet {
  id: string;
  name: string;
  registers: number;
  /** The Picqer warehouse the demo's LIGHTSPEED_STORE_MAP maps this outlet to. */
  picqerWarehouse: number;
}

export interface RetailProduct {
  id: string;
  name: string;
  handle: string;
  sku: string;
  active: boolean;
  has_inventory: boolean;
  price_including_tax: number;
  price_excluding_tax: number;
  supply_price: number;
  version: number;
  created_at: string;
  updated_at: string;
  deleted_at: null;
}

export interface RetailInventory {
  id: string;
  outlet_id: string;
  product_id: string;
  inventory_level: number;
  reorder_point: number;
  reorder_amount: number;
  version: number;
}

export interface SeedOptions {
  /** Catalog size. Default 2,000. */
  products?: number;
  /** Default 42. */
  seed?: number;
}

/** Dutch VAT, the rate the invented prices include. */
export const VAT_RATE = 0.21;

const SEEDED_AT = Date.UTC(2026, 0, 5, 9, 0, 0);

/** ISO 8601 with an explicit offset, as eCom writes times (UNCONFIRMED zone: the sandbox writes UTC). */
export function ecomTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** Deterministic UUID-shaped ids: a kind prefix and a counter, version-4 layout. */
export function sandboxUuid(kind: number, n: number): string {
  return `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

function twoDecimals(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * eCom webshop: ~90% of the catalog, one product with one default variant each. The stock level
 * agrees with Picqer like the Shopify sandbox's: `stockLevel = baseStock(productcode)`, by default
 * the catalog's physical stock over warehouses 1 and 2 (sandbox mode may pass Picqer's free stock).
 */
export function seedEcom(opts: SeedOptions & { baseStock?: (p: CatalogProduct) => number }): { products: EcomProduct[]; variants: EcomVariant[] } {
  const catalog = demoCatalog({ products: opts.products, seed: opts.seed });
  const rnd = prng((opts.seed ?? 42) + 1501);
  const products: EcomProduct[] = [];
  const variants: EcomVariant[] = [];
  for (const p of catalog) {
    if (rnd() >= 0.9) continue;
    const i = p.id - 10000;
    const productId = 30_000_000 + i;
    const variantId = 60_000_000 + i;
    const at = ecomTime(SEEDED_AT + i * 1000);
    const slug = p.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    products.push({
      id: productId,
      createdAt: at,
      updatedAt: at,
      isVisible: true,
      visibility: 'visible',
      url: `${slug}-${i}`,
      title: p.name,
      fulltitle: p.name,
      description: `Invented demo product ${p.productcode}.`,
      variantIds: [variantId],
    });
    variants.push({
      id: variantId,
      productId,
      createdAt: at,
      updatedAt: at,
      isDefault: true,
      sortOrder: 1,
      articleCode: p.productcode,
      ean: p.barcode,
      sku: p.productcode,
      title: 'Default',
      priceIncl: p.price,
      priceExcl: twoDecimals(p.price / (1 + VAT_RATE)),
      priceCost: p.costPrice,
      stockTracking: 'enabled',
      stockLevel: Math.max(0, Math.round(opts.baseStock ? opts.baseStock(p) : (p.stock[1] ?? 0) + (p.stock[2] ?? 0))),
      stockAlert: 0,
      stockMinimum: 0,
      stockSold: 0,
    });
  }
  return { products, variants };
}

/** The demo's physical stores: Dutch and Belgian, each selling from a Picqer warehouse. */
export const DEMO_OUTLETS: readonly RetailOutlet[] = [
  { id: sandboxUuid(0x0c7e1, 1), name: 'Utrecht Oudegracht store', registers: 2, picqerWarehouse: 1 },
  { id: sandboxUuid(0x0c7e1, 2), name: 'Antwerpen Meir store', registers: 1, picqerWarehouse: 2 },
];

/**
 * X-Series till: ~70% of the catalog (stores carry less than the webshop), inventory per outlet
 * invented (a store's shelf, not Picqer's warehouse: a till sale lowers both, the gateway does the
 * second). `version` counts up over every record, as X-Series pages by version.
 */
export function seedRetail(opts: SeedOptions): { products: RetailProduct[]; inventory: RetailInventory[]; version: number } {
  const catalog = demoCatalog({ products: opts.products, seed: opts.seed });
  const rnd = prng((opts.seed ?? 42) + 1502);
  const products: RetailProduct[] = [];
  const inventory: RetailInventory[] = [];
  let version = 0;
  for (const p of catalog) {
    if (rnd() >= 0.7) continue;
    const i = p.id - 10000;
    const at = new Date(SEEDED_AT + i * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    const product: RetailProduct = {
      id: sandboxUuid(0x9d0c7, i),
      name: p.name,
      handle: p.productcode.toLowerCase(),
      sku: p.productcode,
      active: true,
      has_inventory: true,
      price_including_tax: p.price,
      price_excluding_tax: twoDecimals(p.price / (1 + VAT_RATE)),
      supply_price: p.costPrice,
      version: ++version,
      created_at: at,
      updated_at: at,
      deleted_at: null,
    };
    products.push(product);
    DEMO_OUTLETS.forEach((o, k) => {
      inventory.push({
        id: sandboxUuid(0x1f7e0 + k, i),
        outlet_id: o.id,
        product_id: product.id,
        inventory_level: Math.floor(rnd() * 25),
        reorder_point: 2,
        reorder_amount: 10,
        version: ++version,
      });
    });
  }
  return { products, inventory, version };
}
