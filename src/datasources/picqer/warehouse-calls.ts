import type { CallOptions, PicqerClient } from './client';
import type { PicqerCustomerWire, PicqerPicklistWire } from './wire';
import type {
  PicqerBackorderWire,
  PicqerProductPartWire,
  PicqerPurchaseOrderStatus,
  PicqerPurchaseOrderWire,
  PicqerShipmentWire,
  PicqerSupplierWire,
  PicqerWarehouseStockWire,
} from './warehouse-wire';

/**
 * The Picqer API v1 calls for the resources of warehouse-wire.ts: paths and filters as Picqer's
 * pages and its PHP client name them (src/sandbox/README.md has the sources). All go through the
 * client, so through the governor; `o` says who pays.
 */
export function warehouseCalls(client: PicqerClient, o: CallOptions) {
  const page = (offset: number) => offset || undefined;
  return {
    parts: (idproduct: number) => client.getJson<PicqerProductPartWire[]>(`/products/${idproduct}/parts`, {}, o),
    /** Products of one type (e.g. every virtual composition), a page of 100. */
    productsOfType: (type: string, offset: number) =>
      client.getJson<Array<{ idproduct: number; productcode: string; type: string }>>('/products', { type, offset: page(offset) }, o),
    warehouseStock: (idproduct: number, idwarehouse: number) => client.getJson<PicqerWarehouseStockWire>(`/products/${idproduct}/stock/${idwarehouse}`, {}, o),
    purchaseOrders: (offset: number, status?: PicqerPurchaseOrderStatus) =>
      client.getJson<PicqerPurchaseOrderWire[]>('/purchaseorders', { offset: page(offset), status }, o),
    suppliers: (offset: number) => client.getJson<PicqerSupplierWire[]>('/suppliers', { offset: page(offset) }, o),
    supplier: (idsupplier: number) => client.getJson<PicqerSupplierWire>(`/suppliers/${idsupplier}`, {}, o),
    shipments: (idpicklist: number) => client.getJson<PicqerShipmentWire[]>(`/picklists/${idpicklist}/shipments`, {}, o),
    picklistsOfOrder: (idorder: number) => client.getJson<PicqerPicklistWire[]>('/picklists', { idorder }, o),
    customer: (idcustomer: number) => client.getJson<PicqerCustomerWire>(`/customers/${idcustomer}`, {}, o),
    customers: (offset: number, search?: string) => client.getJson<PicqerCustomerWire[]>('/customers', { offset: page(offset), search }, o),
    backorders: (offset: number, idproduct?: number) => client.getJson<PicqerBackorderWire[]>('/backorders', { offset: page(offset), idproduct }, o),
  };
}

export type WarehouseCalls = ReturnType<typeof warehouseCalls>;
