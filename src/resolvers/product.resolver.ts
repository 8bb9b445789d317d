import { Args, ArgsType, Authorized, Ctx, Field, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { MaxLength } from 'class-validator';
import type { GatewayContext } from '../context';
import { requireLoaders } from '../datasources/loaders';
import type { PicqerProductModel, PicqerStockLevelModel, PicqerWarehouseModel } from '../datasources/picqer';
import { PaginationArgs } from '../schema/common/pagination.args';
import { PrefetchFor } from '../schema/common/prefetch';
import { ProductConnection } from '../schema/connections';
import { ProductArgs } from '../schema/product.args';
import { Product } from '../schema/product.type';
import { StockLevel } from '../schema/stock-level.type';
import { Warehouse } from '../schema/warehouse.type';
import { exactlyOne, parseId } from './ids';
import { prefetchWarehouses } from './product-free-stock.resolver';
import { paginate } from './paginate';

@ArgsType()
export class ProductsArgs extends PaginationArgs {
  @Field(() => String, { nullable: true, description: "Picqer's free-text search (name, productcode, barcode)." })
  @MaxLength(200)
  search?: string | null;
}

@Resolver(() => Product)
export class ProductResolver {
  @Authorized('stock:read')
  @Query(() => Product, { nullable: true, description: 'One product by Picqer id or by product code; null when there is none.' })
  async product(@Ctx() ctx: GatewayContext, @Args() { id, productcode }: ProductArgs): Promise<PicqerProductModel | null> {
    exactlyOne(id, productcode, 'id', 'productcode');
    const loaders = requireLoaders(ctx.loaders, 'picqer');
    return id != null ? loaders.productById.load(parseId(id, 'id')) : loaders.productByCode.load(productcode!);
  }

  @Authorized('stock:read')
  @Query(() => ProductConnection)
  products(@Ctx() ctx: GatewayContext, @Args() { first, after, search }: ProductsArgs) {
    const loaders = requireLoaders(ctx.loaders, 'picqer');
    return paginate(first, after, (offset, need) => loaders.productList({ offset, search: search ?? undefined }, need));
  }
}

@Resolver(() => StockLevel)
export class StockLevelResolver {
  @Authorized('stock:read')
  @PrefetchFor(prefetchWarehouses)
  @FieldResolver(() => Warehouse)
  warehouse(@Root() level: PicqerStockLevelModel, @Ctx() ctx: GatewayContext): PicqerWarehouseModel | Promise<PicqerWarehouseModel> {
    // Synchronous once the request has the warehouse list (100 rows of a page share it).
    const w = requireLoaders(ctx.loaders, 'picqer').warehouseById(level.idwarehouse);
    return w instanceof Promise ? w.then((x) => x ?? unknownWarehouse(level.idwarehouse)) : (w ?? unknownWarehouse(level.idwarehouse));
  }
}

@Resolver(() => Warehouse)
export class WarehouseResolver {
  @Authorized('stock:read')
  @Query(() => [Warehouse])
  async warehouses(@Ctx() ctx: GatewayContext): Promise<PicqerWarehouseModel[]> {
    return requireLoaders(ctx.loaders, 'picqer').warehouses();
  }
}

/** A warehouse deleted after the stock row was read still deserves a name. */
function unknownWarehouse(idwarehouse: number): PicqerWarehouseModel {
  return { id: String(idwarehouse), idwarehouse, name: `Warehouse ${idwarehouse}`, acceptsOrders: false, countsForGeneralStock: false };
}
