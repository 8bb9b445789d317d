import { Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../context';
import { Product } from '../schema/product.type';
import { ShopifyVariant } from '../schema/shopify/shopify-variant.type';
import { shopifyLoaders } from './shopify.resolver';

/** Joins a Picqer product to its Shopify variant on productcode = SKU. */
@Resolver(() => Product)
export class ShopifyProductResolver {
  @Authorized('stock:read')
  @FieldResolver(() => ShopifyVariant, {
    nullable: true,
    description: 'The Shopify variant whose SKU equals the product code (the oldest, when several share it); null when there is none.',
  })
  async shopify(@Root() product: Product, @Ctx() ctx: GatewayContext): Promise<ShopifyVariant | null> {
    return shopifyLoaders(ctx).variantBySku.load(product.productcode);
  }
}
