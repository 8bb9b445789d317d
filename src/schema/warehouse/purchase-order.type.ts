import { Field, ID, Int, ObjectType } from 'type-graphql';
import { PurchaseOrderStatus } from './purchase-order-status.enum';
import { Supplier } from './supplier.type';

@ObjectType({ description: 'A Picqer purchase order: stock bought from a supplier.' })
export class PurchaseOrder {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  idpurchaseorder!: number;

  @Field({ description: 'Picqer\'s purchase order number, e.g. "PO2024-00012".' })
  purchaseorderid!: string;

  @Field(() => PurchaseOrderStatus)
  status!: PurchaseOrderStatus;

  @Field(() => String, { nullable: true, description: 'Expected delivery date (YYYY-MM-DD); null when none is set.' })
  expectedAt!: string | null;

  @Field()
  createdAt!: string;

  /** Resolved by PurchaseOrderResolver: the linked supplier, or Picqer's `supplier_name`. */
  @Field(() => Supplier, { nullable: true })
  supplier?: Supplier | null;
}
