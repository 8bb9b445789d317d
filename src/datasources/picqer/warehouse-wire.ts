/**
 * Wire shapes of the Picqer resources beyond products, orders and picklists, as Picqer's API pages
 * document them (sources: src/sandbox/README.md). Fields the gateway does not read are left out.
 */

/** GET /products/{idproduct}/parts: one part of a composition. */
export interface PicqerProductPartWire {
  idproduct_part: number;
  idproduct: number;
  amount: number;
  productcode: string;
  name: string;
}

export type PicqerPurchaseOrderStatus = 'concept' | 'purchased' | 'received' | 'cancelled';

export interface PicqerPurchaseOrderProductWire {
  idproduct: number;
  amount: number;
  /** How many of `amount` arrived already; absent is read as none. */
  amountreceived?: number;
  /** Expected delivery of this line (yyyy-mm-dd), else the order's. */
  delivery_date?: string | null;
}

export interface PicqerPurchaseOrderWire {
  idpurchaseorder: number;
  idsupplier: number | null;
  idwarehouse: number;
  purchaseorderid: string | number;
  /** Set when the order has no idsupplier. */
  supplier_name: string | null;
  status: PicqerPurchaseOrderStatus;
  delivery_date: string | null;
  created: string;
  products: PicqerPurchaseOrderProductWire[];
}

export interface PicqerSupplierWire {
  idsupplier: number;
  name: string;
}

/** GET /picklists/{idpicklist}/shipments. */
export interface PicqerShipmentWire {
  idshipment: number;
  idpicklist: number;
  idorder: number | null;
  provider: string;
  providername: string | null;
  public_providername: string | null;
  carrier_key: string | null;
  trackingcode: string | null;
  tracktraceurl: string | null;
  cancelled: boolean;
  created?: string;
}

export interface PicqerBackorderWire {
  idbackorder: number;
  idorder: number;
  idproduct: number;
  idwarehouse: number;
  amount: number;
  amount_available: number;
  priority: number;
  created_at: string;
}

/** One location of GET /products/{idproduct}/stock/{idwarehouse}. */
export interface PicqerLocationStockWire {
  idlocation: number;
  name: string;
  stock: number;
  reserved?: number;
}

export interface PicqerWarehouseStockWire {
  idwarehouse: number;
  locations?: PicqerLocationStockWire[];
}
