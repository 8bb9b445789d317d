/**
 * Lightspeed eCom (C-Series) wire shapes: what `/{language}/variants.json` answers, as the
 * official PHP client (WebshopappApiClient) unwraps it — the resource wrapped in its name
 * (`{"variants": [...]}`, `{"variant": {...}}`) and errors as `{"error": {"message"}}`. Only the
 * fields the gateway reads are declared; see src/sandbox/README.md, "Lightspeed".
 */

/** A relation as eCom writes it: `{"resource": {"id", "url", "link"}}`. */
export interface LightspeedResourceWire {
  resource?: { id?: number | false } | null;
}

export interface LightspeedVariantWire {
  id: number;
  sku: string | null;
  articleCode?: string | null;
  ean?: string | null;
  title?: string | null;
  /** Price including VAT, in the shop's currency. */
  priceIncl?: number | null;
  priceExcl?: number | null;
  /** disabled: not tracked; enabled: tracked, no sale without stock; indicator: shown, sale allowed. */
  stockTracking?: string;
  stockLevel: number;
  product?: LightspeedResourceWire | null;
}

export interface LightspeedVariantsWire {
  variants: LightspeedVariantWire[];
}

export interface LightspeedVariantWrapWire {
  variant: LightspeedVariantWire;
}

/** The body of `PUT /{language}/variants/{id}.json` for a stock push. */
export interface LightspeedStockUpdateWire {
  variant: { stockLevel: number };
}
