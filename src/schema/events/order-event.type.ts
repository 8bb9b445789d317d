import { Field, ID, Int, ObjectType } from 'type-graphql';
import { OrderStatus } from '../enums';

/** Deliberately without customer, address or contact fields: events carry no personal data. */
@ObjectType({ description: "An order's status changed (Picqer orders.status_changed)." })
export class OrderEvent {
  @Field(() => ID, { description: 'Event log id.' })
  id!: string;

  @Field(() => Int)
  idorder!: number;

  @Field({ description: 'Picqer\'s order number, e.g. "O2026-1002".' })
  orderid!: string;

  @Field(() => OrderStatus, { description: 'The new status.' })
  status!: OrderStatus;
}
