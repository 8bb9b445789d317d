import { Field, Int, ObjectType } from 'type-graphql';
import { Product } from '../product.type';

@ObjectType({ description: 'One part of a composition (bundle): a product and how many of it go into one.' })
export class ProductPart {
  /** Resolved by ProductPartResolver through the products loader (batched 100 ids a call). */
  @Field(() => Product, { nullable: true, description: 'The part; null if Picqer no longer has it.' })
  product?: Product | null;

  @Field(() => Int, { description: 'How many of the part one composition holds.' })
  amount!: number;

  /** Internal: the part's Picqer idproduct. */
  idproduct!: number;
}
