import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Where a channel keeps stock: a Shopify location, or the Lightspeed webshop as a whole (eCom has one stock level per variant).' })
export class ChannelLocation {
  @Field(() => ID, { description: 'Shopify location gid, or "lightspeed:webshop".' })
  id!: string;

  @Field()
  name!: string;
}

@ObjectType({ description: 'What a channel offers at one of its locations, and which Picqer warehouses feed it.' })
export class ChannelInventoryLevel {
  @Field(() => ChannelLocation)
  location!: ChannelLocation;

  @Field(() => Int, { description: 'Sellable now (Shopify "available", Lightspeed "stockLevel").' })
  available!: number;

  @Field(() => [Int], {
    description:
      'Picqer warehouses whose free stock this location mirrors (SHOPIFY_LOCATION_MAP; LIGHTSPEED_ECOM_WAREHOUSES, summed). Empty when none is mapped.',
  })
  warehouseIds!: number[];
}
