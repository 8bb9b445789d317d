/**
 * Money as the gateway carries it: the amount as a decimal string, never a float, and its ISO 4217
 * currency, as Shopify's own API does (MoneyV2 { amount: Decimal, currencyCode }). A float cannot
 * hold 0.1 exactly; the string keeps what the upstream stated, and a client converts it with a
 * decimal library when it must compute.
 */
export interface MoneyModel {
  /** A decimal string such as "19.99" or "-5"; as many decimals as the upstream gave. */
  amount: string;
  /** ISO 4217, e.g. EUR; null when the gateway does not know it. */
  currencyCode: string | null;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** From a decimal string as Shopify sends it (kept as sent); null when absent or not a decimal. */
export function moneyFromDecimal(text: string | null | undefined, currencyCode: string | null): MoneyModel | null {
  if (typeof text !== 'string') return null;
  const amount = text.trim();
  return DECIMAL.test(amount) ? { amount, currencyCode } : null;
}

/**
 * From a JSON number (Picqer, Lightspeed): its shortest round-trip text, which is the literal the
 * upstream wrote whenever that had at most 15 significant digits (every price does), so 19.99
 * stays "19.99" rather than becoming 19.989999999999998 on the way. Null when absent or not finite.
 */
export function moneyFromNumber(n: number | null | undefined, currencyCode: string | null): MoneyModel | null {
  if (typeof n !== 'number' || !Number.isFinite(n)) return null;
  const text = String(n);
  // Exponent notation only for |n| < 1e-6 or >= 1e21, never a price; written out in full all the same.
  const amount = /e/i.test(text) ? n.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 }) : text;
  return { amount, currencyCode };
}
