import { Connection } from '../common/connection';
import { PurchaseOrder } from './purchase-order.type';

/** The Relay connections of the warehouse resources, built once at module load. */
export const PurchaseOrderConnection = Connection('PurchaseOrder', PurchaseOrder);
