import { Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../context';
import { requireLoaders } from '../datasources/loaders';
import { StockDriftArgs, StockSyncArgs } from '../schema/shopify/productcodes.args';
import { ShopifyLocation } from '../schema/shopify/shopify-location.type';
import { StockDrift } from '../schema/shopify/stock-drift.type';
import { StockSyncResult } from '../schema/shopify/stock-sync-result.type';
import type { ChannelDriftRow, ChannelSyncResult } from '../stock-sync/channel-rows';
import { findChannelDrift, syncChannels } from '../stock-sync/channel-sync';

/**
 * Where the shop's locations and stock meet Picqer's: locations, drift, and the stock push. The
 * drift check and the push are the stock-sync service's (src/stock-sync/), which the automatic
 * sync job runs too; these fields only hand it the request's loaders.
 */
@Resolver()
export class ShopifyResolver {
  @Authorized('stock:read')
  @Query(() => [ShopifyLocation], { description: 'Locations of the Shopify shop.' })
  async shopifyLocations(@Ctx() ctx: GatewayContext): Promise<ShopifyLocation[]> {
    return requireLoaders(ctx.loaders, 'shopify').locations();
  }

  @Authorized('stock:read')
  @Query(() => [StockDrift], {
    description:
      "Products whose available quantity in a channel (default: every configured one) differs from Picqer's free stock by more than `threshold` at a mapped location.",
  })
  async stockDrift(@Ctx() ctx: GatewayContext, @Args() { productcodes, threshold, channels }: StockDriftArgs): Promise<ChannelDriftRow[]> {
    return findChannelDrift(ctx.loaders, productcodes, threshold, channels);
  }

  @Authorized('stock:write')
  @Mutation(() => StockSyncResult, {
    description: "Sets each variant's available quantity at the mapped location(s) to Picqer's free stock; sends only what differs.",
    deprecationReason: 'Use syncFreeStock(productcodes, channels: [SHOPIFY]).',
  })
  async syncFreeStockToShopify(@Ctx() ctx: GatewayContext, @Args() { productcodes }: StockSyncArgs): Promise<ChannelSyncResult> {
    return syncChannels(ctx.loaders, productcodes, ['SHOPIFY']);
  }
}
