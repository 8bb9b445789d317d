import type { GraphQLResolveInfo } from 'graphql';
import { Args, ArgsType, Authorized, Ctx, Field, Info, Query, Resolver } from 'type-graphql';
import { MaxLength } from 'class-validator';
import type { GatewayContext } from '../context';
import { requireLoaders } from '../datasources/loaders';
import type { PicqerProductModel, PicqerProductRow, PicqerWarehouseModel } from '../datasources/picqer';
import type { ConnectionShape } from '../schema/common/connection';
import { PaginationArgs } from '../schema/common/pagination.args';
import { ProductConnection } from '../schema/connections';
import { ProductArgs } from '../schema/product.args';
import { Product } from '../schema/product.type';
import { Warehouse } from '../schema/warehouse.type';
import { exactlyOne, parseId } from './ids';
import { paginate } from './paginate';
import { productRowOf, productRows } from './product-rows';

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
  async product(
    @Ctx() ctx: GatewayContext,
    @Args() { id, productcode }: ProductArgs,
    @Info() info: GraphQLResolveInfo,
  ): Promise<PicqerProductModel | PicqerProductRow | null> {
    exactlyOne(id, productcode, 'id', 'productcode');
    const loaders = requireLoaders(ctx.loaders, 'picqer');
    return productRowOf(ctx, info, id != null ? loaders.productById.load(parseId(id, 'id')) : loaders.productByCode.load(productcode!));
  }

  @Authorized('stock:read')
  @Query(() => ProductConnection)
  async products(@Ctx() ctx: GatewayContext, @Args() { first, after, search }: ProductsArgs, @Info() info: GraphQLResolveInfo) {
    const loaders = requireLoaders(ctx.loaders, 'picqer');
    const page = await paginate(first, after, (offset, need) => loaders.productList({ offset, search: search ?? undefined }, need));
    const rows = await productRows(
      ctx,
      info,
      'edges.node',
      page.edges.map((e) => e.node),
    );
    // The edges are this request's own; the products in them may be shared (loaders, the cache).
    const answer: ConnectionShape<PicqerProductModel | PicqerProductRow> = page;
    answer.edges.forEach((e, i) => (e.node = rows[i]));
    return answer;
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
