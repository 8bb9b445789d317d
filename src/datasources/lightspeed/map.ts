import type { LightspeedVariantModel } from './model';
import type { LightspeedVariantWire } from './wire';

/** Lightspeed eCom wire shapes (wire.ts) -> models (model.ts). Pure functions; the loaders call them. */

export function toVariant(w: LightspeedVariantWire): LightspeedVariantModel {
  const productId = w.product?.resource?.id;
  const price = Number(w.priceIncl);
  return {
    id: w.id,
    productId: typeof productId === 'number' ? productId : null,
    sku: w.sku ?? '',
    title: w.title ?? '',
    priceIncl: w.priceIncl != null && Number.isFinite(price) ? price : null,
    stockLevel: Number.isFinite(w.stockLevel) ? w.stockLevel : 0,
    tracked: w.stockTracking !== 'disabled',
  };
}
