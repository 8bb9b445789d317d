import { Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../context';
import type { PicqerProductModel } from '../datasources/picqer';
import { ChannelListing } from '../schema/channels/channel-listing.type';
import { SyncFreeStockArgs } from '../schema/channels/sync-free-stock.args';
import { Product } from '../schema/product.type';
import { StockSyncResult } from '../schema/shopify/stock-sync-result.type';
import { productListings, type ChannelListingModel } from '../stock-sync/channel-listings';
import type { ChannelSyncResult } from '../stock-sync/channel-rows';
import { syncChannels } from '../stock-sync/channel-sync';

/** A product in every shop it is sold in, and the stock push to all of them (src/stock-sync/). */
@Resolver(() => Product)
export class ChannelsResolver {
  @Authorized('stock:read')
  @FieldResolver(() => [ChannelListing], {
    // Nullable on purpose: a shop that cannot be read nulls this field with its error, not the product.
    nullable: true,
    description:
      "The product's listing in every configured shop (Shopify, Lightspeed): the variant whose SKU equals the product code. A shop without one is left out; null, with the upstream's error, when a configured shop cannot be read.",
  })
  async channels(@Root() product: PicqerProductModel, @Ctx() ctx: GatewayContext): Promise<ChannelListingModel[]> {
    return productListings(ctx.loaders, product.productcode);
  }

  @Authorized('stock:write')
  @Mutation(() => StockSyncResult, {
    description: "Sets each listing's available quantity in the channels (default: every configured one) to Picqer's free stock; sends only what differs.",
  })
  async syncFreeStock(@Ctx() ctx: GatewayContext, @Args() { productcodes, channels }: SyncFreeStockArgs): Promise<ChannelSyncResult> {
    return syncChannels(ctx.loaders, productcodes, channels);
  }
}
