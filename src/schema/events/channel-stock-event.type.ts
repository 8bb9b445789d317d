import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { SalesChannel } from '../channels/sales-channel.enum';

@ObjectType({ description: 'Available stock of an item changed in a channel (Shopify: inventory_levels/update at a location).' })
export class ChannelStockEvent {
  @Field(() => ID, { description: 'Event log id.' })
  id!: string;

  @Field(() => SalesChannel, { description: 'The shop whose stock changed.' })
  channel!: SalesChannel;

  @Field(() => String, { nullable: true, description: "Shopify's delivery has no SKU; null unless resolved." })
  sku!: string | null;

  @Field(() => ID, { description: 'Shopify inventory item id (numeric, as a string: it exceeds 2^53).' })
  inventoryItemId!: string;

  @Field(() => ID, { description: 'Shopify location id (numeric, as a string).' })
  locationId!: string;

  @Field(() => Int, { nullable: true, description: 'Available quantity; null when Shopify sent none.' })
  available!: number | null;

  @Field(() => GraphQLDateTime, { nullable: true })
  occurredAt!: string | null;
}
