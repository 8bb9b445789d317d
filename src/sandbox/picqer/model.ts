import type {
  PicqerCustomerWire,
  PicqerOrderProductWire,
  PicqerOrderWire,
  PicqerPicklistProductWire,
  PicqerPicklistWire,
  PicqerProductWire,
  PicqerWarehouseWire,
} from '../../datasources/picqer/types';

/**
 * The sandbox stores every resource in its wire shape (the objects are what the API serialises),
 * so a list answer is a filter, a slice and one JSON.stringify of the page — no per-request copies.
 * The extra fields are ones Picqer documents and sends but the gateway does not read.
 */

export interface ProductRecord extends PicqerProductWire {
  deliverytime: number | null;
  unlimitedstock: boolean;
  minimum_purchase_quantity: number;
  purchase_in_quantities_of: number;
  hs_code: string | null;
  country_of_origin: string | null;
}

export type WarehouseRecord = PicqerWarehouseWire;

export interface OrderProductRecord extends PicqerOrderProductWire {
  idvatgroup: number;
  remarks: string;
  weight: number | null;
}

export interface OrderRecord extends PicqerOrderWire {
  deliveryregion: string | null;
  invoicecontactname: string | null;
  invoiceaddress2: string | null;
  invoiceregion: string | null;
  customer_remarks: string | null;
  discount: number;
  invoiced: boolean;
  products: OrderProductRecord[];
}

export interface PicklistRecord extends PicqerPicklistWire {
  idcustomer: number | null;
  reference: string | null;
  urgent: boolean;
  invoiced: boolean;
  deliveryname: string;
  deliverycountry: string;
}

export type CustomerRecord = PicqerCustomerWire;

/** Order statuses Picqer documents (API orders page and the orders support article). */
export const ORDER_STATUSES = ['concept', 'expected', 'processing', 'paused', 'completed', 'cancelled'] as const;
/** Picklist statuses Picqer documents (API picklists page). */
export const PICKLIST_STATUSES = ['new', 'paused', 'closed', 'snoozed', 'cancelled'] as const;
/** Product types Picqer documents. */
export const PRODUCT_TYPES = ['normal', 'unlimited_stock', 'virtual_composition', 'composition_with_stock'] as const;

/** Picklist statuses whose products are still reserved in the warehouse. */
export const OPEN_PICKLIST_STATUSES: ReadonlySet<string> = new Set(['new', 'paused', 'snoozed']);
/** Order statuses that allocate stock without a picklist (Picqer allocates for concept and expected orders). */
export const ALLOCATING_ORDER_STATUSES: ReadonlySet<string> = new Set(['concept', 'expected']);

export type { PicqerPicklistProductWire as PicklistProductRecord };
