import { Connection } from './common/connection';
import { Order } from './order/order.type';
import { Picklist } from './picklist/picklist.type';
import { Product } from './product.type';

/** The Relay connection types of the contract, built once at module load. */
export const ProductConnection = Connection('Product', Product);
export const OrderConnection = Connection('Order', Order);
export const PicklistConnection = Connection('Picklist', Picklist);
