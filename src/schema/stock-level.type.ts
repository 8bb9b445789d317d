import { Authorized, Field, Int, ObjectType } from 'type-graphql';
import { prefetchWarehouses } from '../datasources/loaders';
import { PrefetchFor } from './common/prefetch';
import { Warehouse } from './warehouse.type';

@ObjectType({ description: "A product's stock in one warehouse." })
export class StockLevel {
  /**
   * A property of the row, not a field resolver: `Product.stock` (resolvers/product-rows.ts) gives its rows
   * their warehouse when the selection asks for it, so a page's 150 rows each cost a property read.
   */
  @Authorized('stock:read')
  @PrefetchFor(prefetchWarehouses)
  @Field(() => Warehouse)
  warehouse!: Warehouse;

  @Field(() => Int, { description: 'Physical stock.' })
  stock!: number;

  @Field(() => Int, { description: 'Reserved for orders, picklists and backorders.' })
  reserved!: number;

  @Field(() => Int, { description: 'Stock available to sell: stock minus reserved.' })
  freeStock!: number;

  /** Internal: the warehouse id, which `Product.stock` resolves to `warehouse` when it is asked. */
  idwarehouse!: number;
}
