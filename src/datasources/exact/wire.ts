/**
 * Exact Online wire shapes (OData v2 over REST), as far as the gateway reads them; map.ts turns
 * them into models (model.ts). Field names are Exact's; see /work/shared/upstreams/shopify-exact.md part B.
 */

/**
 * A collection answer: `{"d":{"results":[…],"__next":"<full URL with $skiptoken>"}}`, or, for a
 * `$top` query, `{"d":[…]}` (a plain array, no `__next`; picqer/exact-php-client reads `$top=1`
 * answers as `d[0]`).
 */
export interface ExactCollection<T> {
  d: { results: T[]; __next?: string } | T[];
}

/** `logistics/Items`, with the properties the gateway selects. */
export interface ExactItemWire {
  /** Edm.Guid */
  ID: string;
  Code: string;
  Description: string | null;
  Barcode: string | null;
  CostPriceStandard: number | null;
  /** Quantity in stock over all warehouses. */
  Stock: number | null;
}

/** The `$select` the item loader sends: only what ExactItem needs (smaller pages, fewer bytes). */
export const ITEM_SELECT: ReadonlyArray<keyof ExactItemWire> = ['ID', 'Code', 'Description', 'Barcode', 'CostPriceStandard', 'Stock'];

/** The token endpoint's answer. `expires_in` is a string of seconds ("600"). */
export interface ExactTokenWire {
  access_token: string;
  token_type: string;
  expires_in: string | number;
  refresh_token: string;
}
