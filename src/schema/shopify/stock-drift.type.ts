import { Field, Int, ObjectType } from 'type-graphql';
import { SalesChannel } from '../channels/sales-channel.enum';
import { ShopifyLocation } from './shopify-location.type';

@ObjectType({ description: "A product whose available quantity in a channel differs from Picqer's free stock at a mapped location." })
export class StockDrift {
  @Field(() => SalesChannel)
  channel!: SalesChannel;

  @Field()
  productcode!: string;

  @Field(() => Int, {
    description: 'The Picqer warehouse (SHOPIFY_LOCATION_MAP maps it to the location); for LIGHTSPEED the first of warehouseIds.',
    deprecationReason: 'Use warehouseIds: the Lightspeed webshop mirrors several warehouses.',
  })
  warehouseId!: number;

  @Field(() => [Int], { description: 'The Picqer warehouses the location mirrors: one for Shopify, LIGHTSPEED_ECOM_WAREHOUSES (summed) for Lightspeed.' })
  warehouseIds!: number[];

  @Field(() => ShopifyLocation, { description: 'The Shopify location, or for LIGHTSPEED the webshop as a whole (id "lightspeed:webshop").' })
  location!: ShopifyLocation;

  @Field(() => Int, { description: 'Picqer free stock in the warehouse(s) (negative counts as 0).' })
  picqerFreeStock!: number;

  @Field(() => Int, { description: 'Available in the channel (Shopify "available", Lightspeed "stockLevel").' })
  available!: number;

  @Field(() => Int, { deprecationReason: 'Use available (this is the same number, for every channel).' })
  shopifyAvailable!: number;

  @Field(() => Int, { description: 'available − picqerFreeStock.' })
  difference!: number;
}
