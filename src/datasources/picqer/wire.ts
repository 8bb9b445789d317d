/**
 * Wire shapes of Picqer API v1, as the real API sends them (snake-free lowercase names,
 * integers for ids, ISO-ish "YYYY-MM-DD HH:mm:ss" timestamps); map.ts turns them into models.
 * The sandbox declares its own copy (src/sandbox/picqer/model.ts), so a field-name mistake here
 * shows up against it. Fields we do not use are left out on purpose.
 */

/** One row of a product's `stock` array: stock of that product in one warehouse. */
export interface PicqerStockWire {
  idwarehouse: number;
  stock: number;
  reserved: number;
  reservedbackorders: number;
  reservedpicklists: number;
  reservedallocations: number;
  freestock: number;
}

export interface PicqerProductWire {
  idproduct: number;
  idvatgroup: number;
  name: string;
  price: number;
  fixedstockprice: number | null;
  idsupplier: number | null;
  productcode: string;
  productcode_supplier: string;
  description: string;
  barcode: string;
  type: 'normal' | 'unlimited_stock' | 'virtual_composition' | 'composition_with_stock';
  weight: number | null;
  active: boolean;
  created: string;
  updated: string;
  stock: PicqerStockWire[];
}

export interface PicqerWarehouseWire {
  idwarehouse: number;
  name: string;
  accept_orders: boolean;
  counts_for_general_stock: boolean;
  priority: number;
  active: boolean;
}

/** Order statuses as Picqer names them. */
export type PicqerOrderStatus = 'concept' | 'expected' | 'processing' | 'paused' | 'completed' | 'cancelled';

export interface PicqerOrderProductWire {
  idorder_product: number;
  idproduct: number;
  productcode: string;
  name: string;
  price: number;
  amount: number;
  amount_cancelled: number;
}

export interface PicqerOrderWire {
  idorder: number;
  orderid: string;
  reference: string | null;
  idcustomer: number | null;
  idwarehouse: number | null;
  status: PicqerOrderStatus;
  /** Personal data: delivery and invoice address, contact details. */
  deliveryname: string;
  deliverycontactname: string | null;
  deliveryaddress: string;
  deliveryaddress2: string | null;
  deliveryzipcode: string;
  deliverycity: string;
  deliverycountry: string;
  invoicename: string;
  invoiceaddress: string;
  invoicezipcode: string;
  invoicecity: string;
  invoicecountry: string;
  emailaddress: string | null;
  telephone: string | null;
  created: string;
  updated: string;
  products: PicqerOrderProductWire[];
}

/** Picklist statuses as Picqer names them. */
export type PicqerPicklistStatus = 'new' | 'closed' | 'cancelled' | 'paused' | 'snoozed';

export interface PicqerPicklistProductWire {
  idpicklist_product: number;
  idproduct: number;
  idorder_product: number | null;
  productcode: string;
  name: string;
  amount: number;
  amount_picked: number;
}

export interface PicqerPicklistWire {
  idpicklist: number;
  picklistid: string;
  idorder: number;
  idwarehouse: number;
  status: PicqerPicklistStatus;
  totalproducts: number;
  totalpicked: number;
  created: string;
  updated: string;
  closed_at: string | null;
  products: PicqerPicklistProductWire[];
}

export interface PicqerCustomerWire {
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

/** A webhook registration (`/hooks`). */
export interface PicqerHookWire {
  idhook: number;
  name: string;
  event: string;
  address: string;
  active: boolean;
}

/**
 * Body of `POST /products/{idproduct}/stock/{idwarehouse}` (Picqer's "Change stock"): `change`
 * adds (negative: removes) on "no specific location"; `reason` shows in the stock history.
 * Picqer refuses stock below zero or below what picklists reserve.
 */
export interface PicqerStockChangeWire {
  change: number;
  reason: string;
}
