import type { ExactItemModel } from './model';
import type { ExactItemWire } from './wire';

/** Exact wire shapes (wire.ts) -> models (model.ts). Pure functions; the loaders call them. */

export function toItem(w: ExactItemWire): ExactItemModel {
  const costPrice = num(w.CostPriceStandard);
  const stock = num(w.Stock);
  return {
    id: w.ID,
    code: w.Code,
    description: w.Description ?? '',
    barcode: w.Barcode && w.Barcode.trim() !== '' ? w.Barcode.trim() : null,
    costPrice,
    stock,
    // Rounded to cents so that 3 × 0.1 does not show as 0.30000000000000004 in a stock report.
    stockValue: costPrice === null || stock === null ? null : Math.round(costPrice * stock * 100) / 100,
  };
}

function num(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
