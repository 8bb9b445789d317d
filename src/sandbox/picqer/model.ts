/**
 * The sandbox stores every resource in its wire shape (the objects are what the API serialises),
 * so a list answer is a filter, a slice and one JSON.stringify of the page — no per-request copies.
 *
 * These shapes are written from Picqer's API documentation, on purpose apart from the gateway's
 * own (src/datasources/picqer/wire.ts): an emulator that shared its client's types would agree
 * with a misspelt field instead of catching it. Some fields here Picqer documents and sends but
 * the gateway does not read.
 */

/** One row of a product's `stock`: the product in one warehouse (Picqer's product stock page). */
export interface StockRecord {
  idwarehouse: number;
  stock: number;
  reserved: number;
  reservedbackorders: number;
  reservedpicklists: number;
  reservedallocations: number;
  freestock: number;
}

export interface ProductRecord {
  idproduct: number;
  idvatgroup: number;
  name: string;
  price: number;
  fixedstockprice: number | null;
  idsupplier: number | null;
  productcode: string;
  productcode_supplier: string;
  deliverytime: number | null;
  description: string;
  barcode: string;
  type: 'normal' | 'unlimited_stock' | 'virtual_composition' | 'composition_with_stock';
  unlimitedstock: boolean;
  weight: number | null;
  /** Centimetres; not available for virtual compositions. */
  length: number | null;
  width: number | null;
  height: number | null;
  minimum_purchase_quantity: number;
  purchase_in_quantities_of: number;
  hs_code: string | null;
  country_of_origin: string | null;
  active: boolean;
  created: string;
  updated: string;
  stock: StockRecord[];
}

/** Picqer's warehouses page: `counts_for_general_stock` says whether its stock is in the product's consolidated stock. */
export interface WarehouseRecord {
  idwarehouse: number;
  name: string;
  accept_orders: boolean;
  counts_for_general_stock: boolean;
  priority: number;
  active: boolean;
}

export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type PicklistStatus = (typeof PICKLIST_STATUSES)[number];

export interface OrderProductRecord {
  idorder_product: number;
  idproduct: number;
  idvatgroup: number;
  productcode: string;
  name: string;
  remarks: string;
  price: number;
  amount: number;
  amount_cancelled: number;
  weight: number | null;
}

export interface OrderRecord {
  idorder: number;
  orderid: string;
  reference: string | null;
  idcustomer: number | null;
  idwarehouse: number | null;
  status: OrderStatus;
  /** Personal data (invented in the sandbox): delivery and invoice address, contact details. */
  deliveryname: string;
  deliverycontactname: string | null;
  deliveryaddress: string;
  deliveryaddress2: string | null;
  deliveryzipcode: string;
  deliverycity: string;
  deliveryregion: string | null;
  deliverycountry: string;
  invoicename: string;
  invoicecontactname: string | null;
  invoiceaddress: string;
  invoiceaddress2: string | null;
  invoicezipcode: string;
  invoicecity: string;
  invoiceregion: string | null;
  invoicecountry: string;
  emailaddress: string | null;
  telephone: string | null;
  customer_remarks: string | null;
  discount: number;
  invoiced: boolean;
  created: string;
  updated: string;
  products: OrderProductRecord[];
}

export interface PicklistProductRecord {
  idpicklist_product: number;
  idproduct: number;
  idorder_product: number | null;
  productcode: string;
  name: string;
  amount: number;
  amount_picked: number;
}

export interface PicklistRecord {
  idpicklist: number;
  picklistid: string;
  idorder: number;
  idcustomer: number | null;
  idwarehouse: number;
  status: PicklistStatus;
  reference: string | null;
  urgent: boolean;
  invoiced: boolean;
  deliveryname: string;
  deliverycountry: string;
  totalproducts: number;
  totalpicked: number;
  created: string;
  updated: string;
  closed_at: string | null;
  products: PicklistProductRecord[];
}

export interface CustomerRecord {
  idcustomer: number;
  customerid: string;
  name: string;
  contactname: string | null;
  telephone: string | null;
  emailaddress: string | null;
  addresses: Array<{
    idcustomer_address: number;
    name: string;
    address: string;
    zipcode: string;
    city: string;
    country: string;
    defaultinvoice: boolean;
    defaultdelivery: boolean;
  }>;
}

/** A webhook registration as `/hooks` answers it (the secret is never sent back). */
export interface HookWire {
  idhook: number;
  name: string;
  event: string;
  address: string;
  active: boolean;
}

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
