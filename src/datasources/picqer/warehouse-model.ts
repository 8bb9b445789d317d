import type { PicqerPurchaseOrderStatus } from './warehouse-wire';

/**
 * Models of the resources in warehouse-wire.ts, with the schema's field names. Related objects
 * are ids here (a part's product, an order's customer), resolved through the loaders.
 */

export interface PicqerPartModel {
  idproduct: number;
  amount: number;
}

export interface PicqerPurchaseOrderModel {
  id: string;
  idpurchaseorder: number;
  purchaseorderid: string;
  status: PicqerPurchaseOrderStatus;
  idsupplier: number | null;
  /** Picqer's `supplier_name`: set for an order without a linked supplier. */
  supplierName: string | null;
  idwarehouse: number;
  expectedAt: string | null;
  createdAt: string;
  lines: Array<{ idproduct: number; amount: number; received: number; expectedAt: string | null }>;
}

/** Stock on its way to the warehouse: the open part of one purchase order line. */
export interface PicqerIncomingModel {
  amount: number;
  expectedAt: string | null;
  purchaseOrder: PicqerPurchaseOrderModel;
}

export interface PicqerSupplierModel {
  /** Null for a name a purchase order carries without a linked supplier. */
  idsupplier: number | null;
  name: string;
}

export interface PicqerShipmentModel {
  id: string;
  idshipment: number;
  idpicklist: number;
  carrier: string;
  carrierKey: string | null;
  trackingCode: string | null;
  trackingUrl: string | null;
  createdAt: string | null;
  cancelled: boolean;
}

/** Personal data throughout, except the ids. */
export interface PicqerCustomerModel {
  id: string;
  idcustomer: number;
  customerid: string;
  name: string;
  contactName: string | null;
  email: string | null;
  phone: string | null;
  addresses: Array<{
    name: string;
    contactName: string | null;
    street: string;
    street2: string | null;
    zipcode: string;
    city: string;
    country: string;
    defaultInvoice: boolean;
    defaultDelivery: boolean;
  }>;
}

export interface PicqerBackorderModel {
  id: string;
  idbackorder: number;
  idorder: number;
  idproduct: number;
  idwarehouse: number;
  amount: number;
  amountAvailable: number;
  priority: number;
  createdAt: string;
}

export interface PicqerLocationStockModel {
  idlocation: number;
  name: string;
  stock: number;
  reserved: number;
}
