import type { GraphQLResolveInfo } from 'graphql';
import { Args, Authorized, Ctx, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../context';
import { requireLoaders } from '../../datasources/loaders';
import type { PicqerBackorderModel, PicqerProductModel } from '../../datasources/picqer';
import { Product } from '../../schema/product.type';
import { BackorderConnection } from '../../schema/warehouse/backorder-connection';
import { Backorder } from '../../schema/warehouse/backorder.type';
import { BackordersArgs } from '../../schema/warehouse/backorders.args';
import { paginate } from '../paginate';
import { productByIdRow, type ProductAnswer } from '../product-rows';

/**
 * Backorders: order lines waiting for stock. They are order data (orders:read). Picqer filters them
 * by idproduct, so a product code is first turned into its id (the products loader, which knows
 * codes it has seen).
 */
@Resolver(() => Backorder)
export class BackorderResolver {
  @Authorized('orders:read')
  @Query(() => BackorderConnection, { description: 'Backorders, oldest first, optionally of one product.' })
  async backorders(@Ctx() ctx: GatewayContext, @Args() { first, after, productcode }: BackordersArgs) {
    const loaders = requireLoaders(ctx.loaders, 'picqer');
    let idproduct: number | undefined;
    if (productcode != null) {
      const p = await loaders.productByCode.load(productcode);
      if (!p) return paginate(first, after, async () => []);
      idproduct = p.idproduct;
    }
    return paginate(first, after, (offset) => loaders.backorderList({ offset, idproduct }));
  }

  @Authorized('stock:read')
  @FieldResolver(() => Product, { nullable: true })
  product(@Root() b: PicqerBackorderModel, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo): ProductAnswer {
    return productByIdRow(ctx, info, b.idproduct);
  }
}

@Resolver(() => Product)
export class ProductBackordersResolver {
  @Authorized('orders:read')
  @FieldResolver(() => [Backorder], { description: "The product's backorders (order lines waiting for its stock)." })
  backorders(@Root() p: PicqerProductModel, @Ctx() ctx: GatewayContext): Promise<PicqerBackorderModel[]> {
    return requireLoaders(ctx.loaders, 'picqer').backordersOfProduct.load(p.idproduct);
  }
}
