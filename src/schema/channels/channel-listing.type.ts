import { Field, ID, ObjectType } from 'type-graphql';
import { ChannelInventoryLevel } from './channel-location.type';
import { Money } from './money.type';
import { SalesChannel } from './sales-channel.enum';

@ObjectType({ description: "A product's listing in one shop: the variant whose SKU equals the product code." })
export class ChannelListing {
  @Field(() => SalesChannel)
  channel!: SalesChannel;

  @Field(() => ID, { description: 'The listing in the shop: Shopify variant gid, Lightspeed eCom variant id.' })
  id!: string;

  @Field()
  sku!: string;

  @Field()
  title!: string;

  @Field(() => Money, { nullable: true })
  price!: Money | null;

  @Field(() => [ChannelInventoryLevel], { description: 'Available quantity per location of the shop.' })
  inventory!: ChannelInventoryLevel[];
}
