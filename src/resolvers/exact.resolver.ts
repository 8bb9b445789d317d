import { Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../context';
import type { ExactLoaders } from '../datasources/exact/loaders';
import { UpstreamNotConfiguredError } from '../errors';
import { ExactItem } from '../schema/exact/exact-item.type';
import { Product } from '../schema/product.type';

/** The variables that configure Exact, named in the error when they are missing. */
const EXACT_VARIABLES = ['EXACT_DIVISION', 'EXACT_CLIENT_ID', 'EXACT_CLIENT_SECRET', 'EXACT_REFRESH_TOKEN'];

/** `Product.exact`: the Exact item with Code = productcode, batched per request by the item loader. */
@Resolver(() => Product)
export class ProductExactResolver {
  @Authorized('stock:read')
  @FieldResolver(() => ExactItem, {
    nullable: true,
    description: 'The Exact Online item with this product code; null when Exact has none (or is not configured: see errors).',
  })
  async exact(@Root() product: Product, @Ctx() ctx: GatewayContext): Promise<ExactItem | null> {
    const loaders = ctx.loaders.exact as ExactLoaders | null | undefined;
    // Not configured: this field alone becomes null with UPSTREAM_NOT_CONFIGURED; the rest of the answer stays.
    if (!loaders) throw new UpstreamNotConfiguredError('exact', EXACT_VARIABLES);
    return loaders.itemByCode.load(product.productcode);
  }
}
