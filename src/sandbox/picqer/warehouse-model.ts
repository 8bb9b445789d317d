/**
 * Wire shapes of the Picqer resources beyond products, orders and picklists: product parts,
 * suppliers, purchase orders, picklist shipments, backorders and stock per location. Written from
 * Picqer's API pages (sources and what is UNCONFIRMED: src/sandbox/README.md, "Bundles, purchase
 * orders, shipments, backorders, locations"); the gateway declares its own copy.
 */

/** One part of a composition (GET /products/{idproduct}/parts). */
export interface ProductPartRecord {
  idproduct_part: number;
  /** The part's own product. */
  idproduct: number;
  /** How many of the part go into one composition. */
  amount: number;
  productcode: string;
  name: string;
  type: string;
}

export interface SupplierRecord {
  idsupplier: number;
  name: string;
  language: string;
  remarks: string;
}

export const PURCHASE_ORDER_STATUSES = ['concept', 'purchased', 'received', 'cancelled'] as const;
export type PurchaseOrderStatus = (typeof PURCHASE_ORDER_STATUSES)[number];

export interface PurchaseOrderProductRecord {
  idpurchaseorder_product: number;
  idproduct: number;
  productcode: string;
  name: string;
  price: number;
  amount: number;
  /** UNCONFIRMED name: how many of `amount` were received already. */
  amountreceived: number;
  /** Expected delivery of this line (Picqer's PHP client sends `delivery_date` per product). */
  delivery_date: string | null;
}

export interface PurchaseOrderRecord {
  idpurchaseorder: number;
  idsupplier: number | null;
  idwarehouse: number;
  purchaseorderid: string;
  /** Set only when there is no idsupplier (Picqer's page). */
  supplier_name: string | null;
  supplier_orderid: string | null;
  status: PurchaseOrderStatus;
  remarks: string;
  /** Expected delivery date (yyyy-mm-dd). */
  delivery_date: string | null;
  language: string;
  created: string;
  updated: string;
  products: PurchaseOrderProductRecord[];
}

/** A shipment of a picklist (Picqer's "Picklist Shipments" page). */
export interface ShipmentRecord {
  idshipment: number;
  idpicklist: number;
  idorder: number;
  idreturn: number | null;
  idcompany_shippingprovider: number;
  labelurl_pdf: string;
  labelurl_zpl: string;
  provider: string;
  providername: string;
  public_providername: string;
  carrier_key: string;
  trackingcode: string;
  tracktraceurl: string;
  weight: number | null;
  cancelled: boolean;
  /** UNCONFIRMED: not in the page's attribute table. */
  created: string;
}

export interface BackorderRecord {
  idbackorder: number;
  idorder_product: number;
  idorder: number;
  idreturn: number | null;
  idproduct: number;
  idcustomer: number;
  idwarehouse: number;
  amount: number;
  amount_available: number;
  priority: number;
  part_of_idbackorder: number | null;
  parts_per_parent: number | null;
  created_at: string;
}

/** Stock of a product on one location in a warehouse (the `locations` of GET .../stock/{idwarehouse}; field names UNCONFIRMED). */
export interface LocationStockRecord {
  idlocation: number;
  name: string;
  stock: number;
  reserved: number;
}
