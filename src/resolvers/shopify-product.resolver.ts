import { Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../context';
import { requireLoaders } from '../datasources/loaders';
import type { PicqerProductModel } from '../datasources/picqer';
import type { ShopifyVariantModel } from '../datasources/shopify';
import { Product } from '../schema/product.type';
import { ShopifyVariant } from '../schema/shopify/shopify-variant.type';

/** Joins a Picqer product to its Shopify variant on productcode = SKU. */
@Resolver(() => Product)
export class ShopifyProductResolver {
  @Authorized('stock:read')
  @FieldResolver(() => ShopifyVariant, {
    nullable: true,
    description: 'The Shopify variant whose SKU equals the product code (the oldest, when several share it); null when there is none.',
  })
  async shopify(@Root() product: PicqerProductModel, @Ctx() ctx: GatewayContext): Promise<ShopifyVariantModel | null> {
    return requireLoaders(ctx.loaders, 'shopify').variantBySku.load(product.productcode);
  }
}
