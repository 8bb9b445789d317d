import { Field, Int, ObjectType } from 'type-graphql';
import { PurchaseOrder } from './purchase-order.type';

@ObjectType({ description: 'Stock on its way: the part of an open purchase order line not received yet ("back in stock on …").' })
export class IncomingStock {
  @Field(() => Int)
  amount!: number;

  @Field(() => String, { nullable: true, description: "Expected delivery (YYYY-MM-DD): the line's date, else the purchase order's." })
  expectedAt!: string | null;

  @Field(() => PurchaseOrder)
  purchaseOrder!: PurchaseOrder;
}
