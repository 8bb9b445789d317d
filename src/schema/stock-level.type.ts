import { Field, Int, ObjectType } from 'type-graphql';
import { Warehouse } from './warehouse.type';

@ObjectType({ description: "A product's stock in one warehouse." })
export class StockLevel {
  @Field(() => Warehouse)
  warehouse!: Warehouse;

  @Field(() => Int, { description: 'Physical stock.' })
  stock!: number;

  @Field(() => Int, { description: 'Reserved for orders, picklists and backorders.' })
  reserved!: number;

  @Field(() => Int, { description: 'Stock available to sell: stock minus reserved.' })
  freeStock!: number;

  /** Internal: the warehouse id, resolved to `warehouse` through the warehouses loader. */
  idwarehouse!: number;
}
