/**
 * Lightspeed eCom data as the loaders hand it out (map.ts builds these from wire.ts). eCom keeps
 * one stock level per variant: the webshop has no locations.
 */

export interface LightspeedVariantModel {
  /** eCom variant id. */
  id: number;
  productId: number | null;
  sku: string;
  title: string;
  /** Price including VAT in the shop's currency; null when eCom sent none. */
  priceIncl: number | null;
  /** What the webshop offers: its stock level (a tracked variant sells no more than this). */
  stockLevel: number;
  /** False when eCom does not track the variant's stock (`stockTracking: disabled`): nothing to compare or push. */
  tracked: boolean;
}

/** One stock push: the variant's stock level before and after. */
export interface LightspeedStockChangeModel {
  variantId: number;
  sku: string;
  from: number;
  to: number;
}
