import type { ClassType } from 'type-graphql';
import { BackorderResolver, ProductBackordersResolver } from './backorder.resolver';
import { BundleResolver, ProductPartResolver } from './bundle.resolver';
import { CustomerResolver, OrderCustomerResolver } from './customer.resolver';
import { IncomingStockResolver, PurchaseOrderResolver } from './incoming.resolver';
import { OrderShipmentsResolver, PicklistShipmentsResolver, ShipmentSubscriptionResolver } from './shipment.resolver';
import { StockLocationResolver } from './stock-location.resolver';

/** The resolvers of bundles, incoming stock, shipments, customers, backorders and stock locations (issue 19). */
export const WAREHOUSE_RESOLVERS: ClassType[] = [
  BundleResolver,
  ProductPartResolver,
  IncomingStockResolver,
  PurchaseOrderResolver,
  PicklistShipmentsResolver,
  OrderShipmentsResolver,
  ShipmentSubscriptionResolver,
  CustomerResolver,
  OrderCustomerResolver,
  BackorderResolver,
  ProductBackordersResolver,
  StockLocationResolver,
];
