import { ArrayMaxSize } from 'class-validator';
import { ArgsType, Field } from 'type-graphql';
import { IsProductcode, MAX_PRODUCTCODES } from '../shopify/productcodes.args';
import { SalesChannel } from './sales-channel.enum';

@ArgsType()
export class SyncFreeStockArgs {
  @Field(() => [String], { description: `Product codes to sync, at most ${MAX_PRODUCTCODES}.` })
  @ArrayMaxSize(MAX_PRODUCTCODES)
  @IsProductcode({ each: true })
  productcodes!: string[];

  @Field(() => [SalesChannel], { nullable: true, description: 'Channels to push to. Default: every configured channel.' })
  channels?: SalesChannel[] | null;
}
