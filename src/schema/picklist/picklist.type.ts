import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { PicklistStatus } from '../enums';
import { Order } from '../order/order.type';
import { Warehouse } from '../warehouse.type';
import { PicklistLine } from './picklist-line.type';

@Directive('@key(fields: "id")')
@Directive('@key(fields: "picklistid")')
@ObjectType({ description: 'A Picqer picklist: the products of one order to pick in one warehouse.' })
export class Picklist {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  idpicklist!: number;

  @Field({ description: 'Picqer\'s picklist number, e.g. "P2026-00012".' })
  picklistid!: string;

  @Field(() => PicklistStatus)
  status!: PicklistStatus;

  @Field(() => Int)
  totalProducts!: number;

  @Field(() => Int)
  totalPicked!: number;

  @Field()
  createdAt!: string;

  @Field(() => String, { nullable: true })
  closedAt!: string | null;

  @Field(() => [PicklistLine])
  lines!: PicklistLine[];

  @Field(() => Warehouse, { nullable: true })
  warehouse?: Warehouse | null;

  @Field(() => Order, { nullable: true })
  order?: Order | null;

  idwarehouse!: number;
  idorder!: number;
}
