import type { MoneyModel } from '../../util/money';
import type { PicqerOrderStatus, PicqerPicklistStatus, PicqerProductWire } from './wire';

/**
 * Picqer data as the loaders hand it out (map.ts builds these from wire.ts). Plain shapes with
 * the field names of the schema's object types, so resolvers return them as they are; declared
 * here rather than taken from src/schema, so the datasource depends on nothing above it. Related objects (a line's product, a picklist's warehouse) are
 * ids here, resolved by field resolvers through the loaders.
 */

/** A product's stock in one warehouse; `Product.stock` adds `warehouse` when it is asked (PicqerLoaders.productRow). */
export interface PicqerStockLevelModel {
  idwarehouse: number;
  stock: number;
  reserved: number;
  freeStock: number;
}

/** `freeStock` (general free stock) is not here: it needs the warehouse list, see PicqerLoaders.productRow. */
export interface PicqerProductModel {
  id: string;
  idproduct: number;
  productcode: string;
  name: string;
  barcode: string | null;
  /** Excluding VAT, in EUR (PICQER_CURRENCY in map.ts). */
  price: MoneyModel | null;
  /** Picqer's product type; absent in cache entries written before it was read (then 'normal'). */
  type?: PicqerProductWire['type'];
  stock: PicqerStockLevelModel[];
}

/** A stock row with its warehouse (how `StockLevel.warehouse` is answered: a plain property of the row), and its product when known. */
export interface PicqerStockWithWarehouse extends PicqerStockLevelModel {
  warehouse: PicqerWarehouseModel;
  idproduct: number | undefined;
}

/**
 * What a product's answer needs beyond the product itself, decided from the selection once per
 * field of a document (resolvers/product-rows.ts): `Product.freeStock`, `Product.stock`, and on
 * the stock rows `warehouse` and `locations` (a row then knows its product).
 */
export interface ProductRowNeeds {
  freeStock: boolean;
  stock: boolean;
  warehouse: boolean;
  locations: boolean;
}

/**
 * A product as the schema answers it (PicqerLoaders.productRow): the model's fields, with
 * `freeStock` and the `stock` the schema shows (a bundle's: what its parts allow; rows with their
 * warehouse when asked) as plain properties, so a page's rows cost no field resolver each. A part
 * that could not be read is its error, which the field answers at its own path.
 */
export interface PicqerProductRow extends Omit<PicqerProductModel, 'stock'> {
  stock: PicqerStockLevelModel[] | PicqerStockWithWarehouse[] | Error;
  freeStock?: number | Error;
}

export interface PicqerWarehouseModel {
  id: string;
  idwarehouse: number;
  name: string;
  acceptsOrders: boolean;
  countsForGeneralStock: boolean;
}

/** Personal data throughout. */
export interface PicqerAddressModel {
  name: string;
  contactName: string | null;
  street: string;
  street2: string | null;
  zipcode: string;
  city: string;
  country: string;
}

export interface PicqerOrderLineModel {
  id: string;
  idproduct: number;
  productcode: string;
  name: string;
  amount: number;
  price: MoneyModel | null;
}

export interface PicqerOrderModel {
  id: string;
  idorder: number;
  orderid: string;
  reference: string | null;
  /** The order's customer (Order.customer); null for a guest order. */
  idcustomer: number | null;
  status: PicqerOrderStatus;
  createdAt: string;
  updatedAt: string;
  lines: PicqerOrderLineModel[];
  deliveryAddress: PicqerAddressModel;
  invoiceAddress: PicqerAddressModel;
  email: string | null;
  phone: string | null;
}

export interface PicqerPicklistLineModel {
  id: string;
  idproduct: number;
  productcode: string;
  name: string;
  amount: number;
  amountPicked: number;
}

export interface PicqerPicklistModel {
  id: string;
  idpicklist: number;
  picklistid: string;
  status: PicqerPicklistStatus;
  totalProducts: number;
  totalPicked: number;
  createdAt: string;
  closedAt: string | null;
  lines: PicqerPicklistLineModel[];
  idwarehouse: number;
  idorder: number;
}
