import { PICQER_ERROR, PicqerSandboxHttpError, parseTimestampFilter } from './http-util';
import { ORDER_STATUSES, PICKLIST_STATUSES, PRODUCT_TYPES, type CustomerRecord, type OrderRecord, type PicklistRecord, type ProductRecord } from './model';
import type { PicqerStore } from './store';

/**
 * Query-string filters of Picqer's list endpoints. Values of known filters are validated (400 with a
 * message naming the filter and what was expected); unknown parameters are ignored, as most REST
 * APIs of Picqer's kind do (UNCONFIRMED: see the sandbox README).
 */

/** Picqer pages every list by 100. */
export const PAGE_SIZE = 100;

type Pred<T> = (r: T) => boolean;

function bad(name: string, expected: string, value: string): never {
  throw new PicqerSandboxHttpError(400, PICQER_ERROR.unknown, `Filter "${name}" must be ${expected}, got "${value}".`);
}

function int(name: string, value: string): number {
  if (!/^\d{1,12}$/.test(value)) bad(name, 'a positive integer', value);
  return Number(value);
}

/** `offset` must be a non-negative integer; absent means 0. */
export function parseOffset(q: URLSearchParams): number {
  const v = q.get('offset');
  return v === null || v === '' ? 0 : int('offset', v);
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) bad(name, `one of ${allowed.join(', ')}`, value);
  return value as T;
}

function contains(haystack: string | null | undefined, needle: string): boolean {
  return !!haystack && haystack.toLowerCase().includes(needle);
}

function truthy(v: string): boolean {
  return v === 'true' || v === '1';
}

/**
 * Reads `idproducts`: a comma-separated list ("1,2,3") or repeated `idproducts[]=` parameters
 * (format UNCONFIRMED: both accepted).
 */
export function parseIdList(q: URLSearchParams, name: string): number[] | null {
  const raw = [...q.getAll(name), ...q.getAll(`${name}[]`)];
  if (raw.length === 0) return null;
  const parts = raw
    .flatMap((r) => r.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0) bad(name, 'a comma-separated list of ids', raw.join(','));
  return parts.map((s) => int(name, s));
}

/** Selects one page of `records` matching every predicate; stops scanning once the page is full. */
export function page<T>(records: readonly T[], preds: Pred<T>[], offset: number): T[] {
  const out: T[] = [];
  if (preds.length === 0) return records.slice(offset, offset + PAGE_SIZE);
  let seen = 0;
  for (const r of records) {
    if (!preds.every((p) => p(r))) continue;
    if (seen++ < offset) continue;
    out.push(r);
    if (out.length === PAGE_SIZE) break;
  }
  return out;
}

/** Products: search, productcode, productcode_supplier, idproducts, idsupplier, type, inactive, updated_after. */
export function listProducts(store: PicqerStore, q: URLSearchParams): ProductRecord[] {
  const offset = parseOffset(q);
  const preds: Pred<ProductRecord>[] = [];
  let source: readonly ProductRecord[] = store.products;
  const ids = parseIdList(q, 'idproducts');
  if (ids) {
    // Straight lookups, in id order like the full list, so a batch of ids costs nothing per product.
    source = [...new Set(ids)]
      .sort((a, b) => a - b)
      .map((id) => store.product(id))
      .filter((p): p is ProductRecord => !!p);
  }
  const code = q.get('productcode');
  if (code !== null) {
    const p = store.productByProductcode(code);
    source = p && source.includes(p) ? [p] : [];
  }
  const search = q.get('search');
  if (search) {
    const s = search.toLowerCase();
    preds.push((p) => contains(p.productcode, s) || contains(p.name, s) || contains(p.barcode, s));
  }
  const supplierCode = q.get('productcode_supplier');
  if (supplierCode !== null) preds.push((p) => p.productcode_supplier === supplierCode);
  const idsupplier = q.get('idsupplier');
  if (idsupplier !== null) {
    const n = int('idsupplier', idsupplier);
    preds.push((p) => p.idsupplier === n);
  }
  const type = q.get('type');
  if (type !== null) {
    const t = oneOf('type', type, PRODUCT_TYPES);
    preds.push((p) => p.type === t);
  }
  const inactive = q.get('inactive');
  // Without the filter only active products are listed; inactive=true lists only inactive ones (UNCONFIRMED).
  const wantInactive = inactive !== null && truthy(inactive);
  preds.push((p) => p.active === !wantInactive);
  const updatedAfter = q.get('updated_after');
  if (updatedAfter !== null) {
    const t = parseTimestampFilter('updated_after', updatedAfter);
    preds.push((p) => p.updated > t);
  }
  return page(source, preds, offset);
}

/** Orders: search, orderid, reference, status, idcustomer, emailaddress, created_after/before, updated_after. */
export function listOrders(store: PicqerStore, q: URLSearchParams): OrderRecord[] {
  const offset = parseOffset(q);
  const preds: Pred<OrderRecord>[] = [];
  const search = q.get('search');
  if (search) {
    const s = search.toLowerCase();
    preds.push((o) => contains(o.orderid, s) || contains(o.reference, s) || contains(o.deliveryname, s) || contains(o.emailaddress, s));
  }
  const orderid = q.get('orderid');
  if (orderid !== null) preds.push((o) => o.orderid === orderid);
  const reference = q.get('reference');
  if (reference !== null) preds.push((o) => o.reference === reference);
  const email = q.get('emailaddress');
  if (email !== null) preds.push((o) => o.emailaddress === email);
  const status = q.get('status');
  if (status !== null) {
    const st = oneOf('status', status, ORDER_STATUSES);
    preds.push((o) => o.status === st);
  }
  const idcustomer = q.get('idcustomer');
  if (idcustomer !== null) {
    const n = int('idcustomer', idcustomer);
    preds.push((o) => o.idcustomer === n);
  }
  addTimeFilters(q, preds);
  return page(store.orders, preds, offset);
}

/** Picklists: search, picklistid, status, idwarehouse, idorder, idcustomer, created_after/before, updated_after. */
export function listPicklists(store: PicqerStore, q: URLSearchParams): PicklistRecord[] {
  const offset = parseOffset(q);
  const preds: Pred<PicklistRecord>[] = [];
  const search = q.get('search');
  if (search) {
    const s = search.toLowerCase();
    preds.push((p) => contains(p.picklistid, s) || contains(p.reference, s));
  }
  const picklistid = q.get('picklistid');
  if (picklistid !== null) preds.push((p) => p.picklistid === picklistid);
  const status = q.get('status');
  if (status !== null) {
    const st = oneOf('status', status, PICKLIST_STATUSES);
    preds.push((p) => p.status === st);
  }
  for (const key of ['idwarehouse', 'idorder', 'idcustomer'] as const) {
    const v = q.get(key);
    if (v === null) continue;
    const n = int(key, v);
    preds.push((p) => p[key] === n);
  }
  addTimeFilters(q, preds);
  return page(store.picklists, preds, offset);
}

/** Customers: search (name, customerid, e-mail address). */
export function listCustomers(store: PicqerStore, q: URLSearchParams): CustomerRecord[] {
  const offset = parseOffset(q);
  const preds: Pred<CustomerRecord>[] = [];
  const search = q.get('search');
  if (search) {
    const s = search.toLowerCase();
    preds.push((c) => contains(c.name, s) || contains(c.customerid, s) || contains(c.emailaddress, s));
  }
  return page(store.customers, preds, offset);
}

function addTimeFilters<T extends { created: string; updated: string }>(q: URLSearchParams, preds: Pred<T>[]): void {
  const createdAfter = q.get('created_after');
  if (createdAfter !== null) {
    const t = parseTimestampFilter('created_after', createdAfter);
    preds.push((r) => r.created > t);
  }
  const createdBefore = q.get('created_before');
  if (createdBefore !== null) {
    const t = parseTimestampFilter('created_before', createdBefore);
    preds.push((r) => r.created < t);
  }
  const updatedAfter = q.get('updated_after');
  if (updatedAfter !== null) {
    const t = parseTimestampFilter('updated_after', updatedAfter);
    preds.push((r) => r.updated > t);
  }
}
