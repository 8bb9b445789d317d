import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An order line waiting for stock (a Picqer backorder).' })
export class Backorder {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  idbackorder!: number;

  @Field(() => Int)
  idorder!: number;

  @Field(() => Int)
  idproduct!: number;

  @Field(() => Int, { description: 'Ordered and not yet available.' })
  amount!: number;

  @Field(() => Int, { description: 'Of `amount`, in stock and reserved for this backorder.' })
  amountAvailable!: number;

  @Field(() => Int, { description: 'Lower is served first.' })
  priority!: number;

  @Field()
  createdAt!: string;

  /** Internal: the warehouse id. */
  idwarehouse!: number;
}
