import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: "A product's stock in one warehouse, as the stock change left it." })
export class StockLevelChange {
  @Field(() => Int, { description: 'Picqer idwarehouse.' })
  warehouseId!: number;

  @Field(() => Int, { description: 'Physical stock.' })
  stock!: number;

  @Field(() => Int, { description: 'Reserved for orders, picklists and backorders.' })
  reserved!: number;

  @Field(() => Int, { description: 'Stock available to sell: stock minus reserved.' })
  freeStock!: number;
}
