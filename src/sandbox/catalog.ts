/**
 * The invented demo catalog that all three sandboxes derive their data from, so that one product
 * code means the same product in Picqer, Shopify and Exact. Deterministic: the same seed gives the
 * same catalog on every machine. No real product, company or person is in here.
 */

/** A small, fast, seedable PRNG (mulberry32): deterministic demo data without a dependency. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface CatalogProduct {
  /** Picqer idproduct. */
  id: number;
  productcode: string;
  name: string;
  /** EAN-13 with a valid check digit. */
  barcode: string;
  price: number;
  costPrice: number;
  /** Physical stock per warehouse id (1 and 2). */
  stock: Record<number, number>;
  /** Whether a Shopify variant with this SKU exists. */
  inShopify: boolean;
  /** Whether an Exact item with this Code exists. */
  inExact: boolean;
  /** Added to Picqer's free stock to get Shopify's available quantity (0 = in sync). */
  shopifyDrift: number;
}

export interface CatalogOptions {
  /** Default 2,000. */
  products?: number;
  /** Default 42. */
  seed?: number;
}

const ADJECTIVES = ['Sturdy', 'Compact', 'Bright', 'Quiet', 'Swift', 'Classic', 'Urban', 'Alpine', 'Coastal', 'Nordic'];
const NOUNS = ['Water Bottle', 'Desk Lamp', 'Backpack', 'Rain Jacket', 'Notebook', 'Coffee Mug', 'Yoga Mat', 'Bike Light', 'Phone Stand', 'Tea Towel'];
const VARIANTS = ['Red', 'Blue', 'Green', 'Black', 'White', 'Small', 'Medium', 'Large', 'XL', 'Oak'];

export const WAREHOUSES = [
  { idwarehouse: 1, name: 'Main warehouse Utrecht' },
  { idwarehouse: 2, name: 'Overflow warehouse Tilburg' },
] as const;

export function ean13(base12: string): string {
  const digits = base12.split('').map(Number);
  const sum = digits.reduce((s, d, i) => s + d * (i % 2 === 0 ? 1 : 3), 0);
  return base12 + String((10 - (sum % 10)) % 10);
}

/** Builds the catalog. Product codes are `PG-00001` … ; ~85% exist in Shopify, ~80% in Exact, ~5% drift. */
export function demoCatalog(opts: CatalogOptions = {}): CatalogProduct[] {
  const n = opts.products ?? 2000;
  const rnd = prng(opts.seed ?? 42);
  const out: CatalogProduct[] = [];
  for (let i = 1; i <= n; i++) {
    const name = `${ADJECTIVES[Math.floor(rnd() * ADJECTIVES.length)]} ${NOUNS[Math.floor(rnd() * NOUNS.length)]} ${VARIANTS[Math.floor(rnd() * VARIANTS.length)]}`;
    const price = Math.round((5 + rnd() * 195) * 100) / 100;
    const inShopify = rnd() < 0.85;
    const drift = inShopify && rnd() < 0.05 ? Math.ceil(rnd() * 12) * (rnd() < 0.5 ? -1 : 1) : 0;
    out.push({
      id: 10000 + i,
      productcode: `PG-${String(i).padStart(5, '0')}`,
      name,
      barcode: ean13(`871${String(100000000 + i).slice(-9)}`),
      price,
      costPrice: Math.round(price * (0.35 + rnd() * 0.3) * 100) / 100,
      stock: { 1: Math.floor(rnd() * 120), 2: rnd() < 0.6 ? Math.floor(rnd() * 60) : 0 },
      inShopify,
      inExact: rnd() < 0.8,
      shopifyDrift: drift,
    });
  }
  return out;
}
