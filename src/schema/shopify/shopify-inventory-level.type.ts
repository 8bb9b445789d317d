import { Field, Int, ObjectType } from 'type-graphql';
import { ShopifyLocation } from './shopify-location.type';

@ObjectType({ description: "A Shopify variant's inventory at one location." })
export class ShopifyInventoryLevel {
  @Field(() => ShopifyLocation)
  location!: ShopifyLocation;

  @Field(() => Int, { description: 'Sellable now (Shopify "available").' })
  available!: number;

  @Field(() => Int, { description: 'Physically at the location (Shopify "on_hand" = available + committed + unavailable).' })
  onHand!: number;
}
