import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
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

  @Field(() => Float, { nullable: true })
  price!: number | null;

  /** Resolved through the products loader (batched by id). */
  @Field(() => Product, { nullable: true })
  product?: Product | null;

  idproduct!: number;
}
