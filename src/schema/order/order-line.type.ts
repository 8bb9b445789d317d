import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Money } from '../channels/money.type';
import { Product } from '../product.type';

@ObjectType({ description: 'One product line of an order.' })
export class OrderLine {
  @Field(() => ID)
  id!: string;

  @Field()
  productcode!: string;

  @Field()
  name!: string;

  @Field(() => Int)
  amount!: number;

  @Field(() => Money, { nullable: true, description: 'Unit price excluding VAT, in EUR.' })
  price!: Money | null;

  /** Resolved through the products loader (batched by id). */
  @Field(() => Product, { nullable: true })
  product?: Product | null;

  idproduct!: number;
}
