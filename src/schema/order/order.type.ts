import { Field, ID, Int, ObjectType } from 'type-graphql';
import { OrderStatus } from '../enums';
import { Address } from './address.type';
import { OrderLine } from './order-line.type';

@ObjectType({ description: 'A Picqer order.' })
export class Order {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  idorder!: number;

  @Field({ description: 'Picqer\'s order number, e.g. "O2026-00012".' })
  orderid!: string;

  @Field(() => String, { nullable: true, description: "The webshop's own reference." })
  reference!: string | null;

  @Field(() => OrderStatus)
  status!: OrderStatus;

  @Field()
  createdAt!: string;

  @Field()
  updatedAt!: string;

  @Field(() => [OrderLine])
  lines!: OrderLine[];

  @Field(() => Address, { description: 'Delivery address. Personal data.' })
  deliveryAddress!: Address;

  @Field(() => Address, { description: 'Invoice address. Personal data.' })
  invoiceAddress!: Address;

  @Field(() => String, { nullable: true, description: "The customer's e-mail address. Personal data." })
  email!: string | null;

  @Field(() => String, { nullable: true, description: "The customer's telephone number. Personal data." })
  phone!: string | null;
}
