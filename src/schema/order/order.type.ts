import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { OrderStatus } from '../enums';
import { PersonalData } from '../../security/personal-data';
import { Address } from './address.type';
import { OrderLine } from './order-line.type';

@Directive('@key(fields: "id")')
@Directive('@key(fields: "orderid")')
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

  // Nullable so a caller without customers:read gets the order with only this field refused.
  @PersonalData()
  @Field(() => Address, { nullable: true, description: 'Delivery address. Personal data (scope customers:read).' })
  deliveryAddress!: Address;

  @PersonalData()
  @Field(() => Address, { nullable: true, description: 'Invoice address. Personal data (scope customers:read).' })
  invoiceAddress!: Address;

  @PersonalData()
  @Field(() => String, { nullable: true, description: "The customer's e-mail address. Personal data (scope customers:read)." })
  email!: string | null;

  @PersonalData()
  @Field(() => String, { nullable: true, description: "The customer's telephone number. Personal data (scope customers:read)." })
  phone!: string | null;
}
