import { Authorized, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../context';
import { prefetchWarehouses, requireLoaders } from '../datasources/loaders';
import type { PicqerProductModel } from '../datasources/picqer';
import { PrefetchFor } from '../schema/common/prefetch';
import { Product } from '../schema/product.type';

/**
 * `Product.freeStock`: which warehouses count for general stock is a property of the warehouse,
 * not of the product's stock rows, so the sum needs the warehouse list. That list is one call per
 * request (the loader memoises it, and `stock { warehouse }` shares it), made only when a query
 * asks for `freeStock`.
 */
@Resolver(() => Product)
export class ProductFreeStockResolver {
  @Authorized('stock:read')
  @PrefetchFor(prefetchWarehouses)
  @FieldResolver(() => Int)
  freeStock(@Root() product: PicqerProductModel, @Ctx() ctx: GatewayContext): number | Promise<number> {
    const loaders = requireLoaders(ctx.loaders, 'picqer');
    // A bundle's rows are what its parts allow (BundleResolver); any other product's are its own.
    if (product.type === 'virtual_composition') return Promise.resolve(loaders.stockOf(product)).then((rows) => loaders.generalFreeStock(rows));
    return loaders.generalFreeStock(product.stock);
  }
}
