import { Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../context';
import type { ExactItemModel } from '../datasources/exact';
import { requireLoaders } from '../datasources/loaders';
import type { PicqerProductModel } from '../datasources/picqer';
import { ExactItem } from '../schema/exact/exact-item.type';
import { Product } from '../schema/product.type';

/** `Product.exact`: the Exact item with Code = productcode, batched per request by the item loader. */
@Resolver(() => Product)
export class ProductExactResolver {
  @Authorized('stock:read')
  @FieldResolver(() => ExactItem, {
    nullable: true,
    description: 'The Exact Online item with this product code; null when Exact has none (or is not configured: see errors).',
  })
  async exact(@Root() product: PicqerProductModel, @Ctx() ctx: GatewayContext): Promise<ExactItemModel | null> {
    // Not configured: this field alone becomes null with UPSTREAM_NOT_CONFIGURED; the rest of the answer stays.
    return requireLoaders(ctx.loaders, 'exact').itemByCode.load(product.productcode);
  }
}
