import { registerEnumType } from 'type-graphql';

/** Picqer's order statuses; the GraphQL name is upper case, the internal value Picqer's own. */
export enum OrderStatus {
  CONCEPT = 'concept',
  EXPECTED = 'expected',
  PROCESSING = 'processing',
  PAUSED = 'paused',
  COMPLETED = 'completed',
  CANCELLED = 'cancelled',
}
registerEnumType(OrderStatus, { name: 'OrderStatus', description: "An order's status in Picqer." });

/** Picqer's picklist statuses. */
export enum PicklistStatus {
  NEW = 'new',
  PAUSED = 'paused',
  SNOOZED = 'snoozed',
  CLOSED = 'closed',
  CANCELLED = 'cancelled',
}
registerEnumType(PicklistStatus, { name: 'PicklistStatus', description: "A picklist's status in Picqer." });
