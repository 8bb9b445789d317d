/** Most product codes one drift check or sync may name: one Shopify mutation's worth. */
export const MAX_PRODUCTCODES = 250;

/** Longest product code accepted anywhere (Picqer's productcode field; Shopify SKUs are shorter). */
export const MAX_PRODUCTCODE_LENGTH = 255;

/**
 * The one product-code rule: not blank, at most MAX_PRODUCTCODE_LENGTH characters. Every argument
 * that takes a code carries it (@IsProductcode in the schema), so no oversized code ever reaches an
 * upstream URL or query; the webhook intake and the stock sync check codes with the same rule.
 * Here, below every layer that needs it.
 */
export function isValidProductcode(code: unknown): code is string {
  return typeof code === 'string' && code.trim() !== '' && code.length <= MAX_PRODUCTCODE_LENGTH;
}
