import { registerEnumType } from 'type-graphql';

/** Picqer's purchase order statuses (its purchase orders page). */
export enum PurchaseOrderStatus {
  CONCEPT = 'concept',
  PURCHASED = 'purchased',
  RECEIVED = 'received',
  CANCELLED = 'cancelled',
}
registerEnumType(PurchaseOrderStatus, {
  name: 'PurchaseOrderStatus',
  description: "A purchase order's status in Picqer: PURCHASED orders are on their way (incoming stock).",
});
