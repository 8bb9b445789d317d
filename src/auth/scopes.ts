/**
 * The scopes a caller's token can carry. Each guards one part of the schema:
 * - `stock:read`     products, warehouses, stock levels, picklists;
 * - `orders:read`    orders and the order of a picklist (without personal fields);
 * - `customers:read` personal data: addresses, e-mail, phone (fields marked @PersonalData);
 * - `stock:write`    mutations that change stock upstream.
 */
export const SCOPES = ['stock:read', 'orders:read', 'customers:read', 'stock:write'] as const;
export type Scope = (typeof SCOPES)[number];

/** The scope personal-data fields require. */
export const PERSONAL_DATA_SCOPE: Scope = 'customers:read';

export function isScope(s: string): s is Scope {
  return (SCOPES as readonly string[]).includes(s);
}
