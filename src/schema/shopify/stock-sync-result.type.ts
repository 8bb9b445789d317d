import { Field, Int, ObjectType } from 'type-graphql';
import { ShopifyLocation } from './shopify-location.type';

@ObjectType({ description: "One available quantity set in Shopify to Picqer's free stock." })
export class StockSyncChange {
  @Field()
  productcode!: string;

  @Field(() => Int)
  warehouseId!: number;

  @Field(() => ShopifyLocation)
  location!: ShopifyLocation;

  @Field(() => Int, { description: 'Shopify available before.' })
  from!: number;

  @Field(() => Int, { description: 'Shopify available after (= Picqer free stock).' })
  to!: number;
}

@ObjectType({ description: 'A product (or product at a location) the sync left alone, and why.' })
export class StockSyncSkip {
  @Field()
  productcode!: string;

  @Field({ description: 'NOT_IN_PICQER, NOT_IN_SHOPIFY, NOT_STOCKED_AT_LOCATION, or a Shopify userError code such as CHANGE_FROM_QUANTITY_STALE.' })
  reason!: string;

  @Field(() => Int, { nullable: true })
  warehouseId?: number | null;
}

@ObjectType({ description: 'What syncFreeStockToShopify changed. Unchanged quantities are not sent, so a repeat run changes nothing.' })
export class StockSyncResult {
  @Field(() => [StockSyncChange])
  changed!: StockSyncChange[];

  @Field(() => Int, { description: 'Product × location pairs already equal.' })
  unchanged!: number;

  @Field(() => [StockSyncSkip])
  skipped!: StockSyncSkip[];

  @Field(() => Int, { description: 'inventorySetQuantities calls made (≤ 250 quantities each).' })
  mutations!: number;
}
