import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Product } from '../product.type';

@ObjectType({ description: 'One product line of a picklist.' })
export class PicklistLine {
  @Field(() => ID)
  id!: string;

  @Field()
  productcode!: string;

  @Field()
  name!: string;

  @Field(() => Int)
  amount!: number;

  @Field(() => Int)
  amountPicked!: number;

  @Field(() => Product, { nullable: true })
  product?: Product | null;

  idproduct!: number;
}
