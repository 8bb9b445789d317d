/**
 * Exact data as the loaders hand it out (map.ts builds these from wire.ts): plain shapes with
 * the field names of the schema's object types, so resolvers return them as they are.
 */

/** One `logistics/Items` record. */
export interface ExactItemModel {
  /** The Exact item GUID. */
  id: string;
  code: string;
  description: string;
  barcode: string | null;
  costPrice: number | null;
  stock: number | null;
  /** stock × costPrice, rounded to cents; null when either is unknown. */
  stockValue: number | null;
}
