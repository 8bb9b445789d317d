import { Field, Int, ObjectType } from 'type-graphql';
import { ShopifyLocation } from './shopify-location.type';

@ObjectType({ description: "A product whose Shopify available quantity differs from Picqer's free stock at a mapped location." })
export class StockDrift {
  @Field()
  productcode!: string;

  @Field(() => Int, { description: 'The Picqer warehouse (SHOPIFY_LOCATION_MAP maps it to the location).' })
  warehouseId!: number;

  @Field(() => ShopifyLocation)
  location!: ShopifyLocation;

  @Field(() => Int, { description: 'Picqer free stock in the warehouse (negative counts as 0).' })
  picqerFreeStock!: number;

  @Field(() => Int)
  shopifyAvailable!: number;

  @Field(() => Int, { description: 'shopifyAvailable − picqerFreeStock.' })
  difference!: number;
}
