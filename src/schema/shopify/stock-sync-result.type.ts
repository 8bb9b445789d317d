import { Field, Int, ObjectType } from 'type-graphql';
import { SalesChannel } from '../channels/sales-channel.enum';
import { ShopifyLocation } from './shopify-location.type';

@ObjectType({ description: "One available quantity set in a channel to Picqer's free stock." })
export class StockSyncChange {
  @Field(() => SalesChannel)
  channel!: SalesChannel;

  @Field()
  productcode!: string;

  @Field(() => Int, { deprecationReason: 'Use warehouseIds: the Lightspeed webshop mirrors several warehouses.' })
  warehouseId!: number;

  @Field(() => [Int], { description: 'The Picqer warehouses whose free stock was pushed (summed for Lightspeed).' })
  warehouseIds!: number[];

  @Field(() => ShopifyLocation, { description: 'The Shopify location, or for LIGHTSPEED the webshop as a whole (id "lightspeed:webshop").' })
  location!: ShopifyLocation;

  @Field(() => Int, { description: 'Available in the channel before.' })
  from!: number;

  @Field(() => Int, { description: 'Available in the channel after (= Picqer free stock).' })
  to!: number;
}

@ObjectType({ description: 'A product (or product at a location) the sync left alone, and why.' })
export class StockSyncSkip {
  @Field(() => SalesChannel)
  channel!: SalesChannel;

  @Field()
  productcode!: string;

  @Field({
    description:
      'NOT_IN_PICQER, NOT_IN_SHOPIFY, NOT_STOCKED_AT_LOCATION, a Shopify userError code such as CHANGE_FROM_QUANTITY_STALE; for Lightspeed NOT_IN_LIGHTSPEED, STOCK_NOT_TRACKED, NOT_APPLIED.',
  })
  reason!: string;

  @Field(() => Int, { nullable: true })
  warehouseId?: number | null;
}

@ObjectType({ description: 'What syncFreeStock changed. Unchanged quantities are not sent, so a repeat run changes nothing.' })
export class StockSyncResult {
  @Field(() => [StockSyncChange])
  changed!: StockSyncChange[];

  @Field(() => Int, { description: 'Product × location pairs already equal.' })
  unchanged!: number;

  @Field(() => [StockSyncSkip])
  skipped!: StockSyncSkip[];

  @Field(() => Int, { description: 'Write calls made: Shopify inventorySetQuantities (≤ 250 quantities each) plus Lightspeed variant updates (one each).' })
  mutations!: number;
}
