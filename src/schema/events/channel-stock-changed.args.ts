import { ArgsType, Field, ID } from 'type-graphql';

@ArgsType()
export class ChannelStockChangedArgs {
  @Field(() => ID, { nullable: true, description: 'Only this Shopify location.' })
  locationId?: string | null;
}
