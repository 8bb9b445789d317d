import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { StockLevelChange } from './stock-level-change.type';

@ObjectType({ description: "A product's free stock changed in the warehouse (Picqer products.freestockchanged)." })
export class StockChangeEvent {
  @Field(() => ID, { description: 'Event log id; pass it as `after` to resume from here after a reconnect.' })
  id!: string;

  @Field()
  productcode!: string;

  @Field(() => Int)
  idproduct!: number;

  @Field(() => Int, { nullable: true, description: 'The warehouse the subscription asked for; null when it asked for all.' })
  warehouseId!: number | null;

  @Field(() => Int, { description: 'Free stock in `warehouseId`, or summed over all warehouses when that is null.' })
  freeStock!: number;

  @Field(() => [StockLevelChange], { nullable: true, description: 'Stock per warehouse after the change.' })
  stock!: StockLevelChange[] | null;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'When Picqer says the change happened.' })
  occurredAt!: string | null;
}
