import { Args, ArgsType, Authorized, Ctx, Field, Query, Resolver } from 'type-graphql';
import { MaxLength } from 'class-validator';
import type { GatewayContext } from '../context';
import { requireLoaders } from '../datasources/loaders';
import type { PicqerProductModel, PicqerWarehouseModel } from '../datasources/picqer';
import { PaginationArgs } from '../schema/common/pagination.args';
import { ProductConnection } from '../schema/connections';
import { ProductArgs } from '../schema/product.args';
import { Product } from '../schema/product.type';
import { Warehouse } from '../schema/warehouse.type';
import { exactlyOne, parseId } from './ids';
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

@Resolver(() => Warehouse)
export class WarehouseResolver {
  @Authorized('stock:read')
  @Query(() => [Warehouse])
  async warehouses(@Ctx() ctx: GatewayContext): Promise<PicqerWarehouseModel[]> {
    return requireLoaders(ctx.loaders, 'picqer').warehouses();
  }
}
