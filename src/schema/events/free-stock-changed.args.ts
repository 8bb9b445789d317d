import { ArgsType, Field, Int } from 'type-graphql';
import { IsProductcode } from '../shopify/productcodes.args';

@ArgsType()
export class FreeStockChangedArgs {
  @Field(() => [String], { nullable: true, description: 'Only these product codes; omit for all products.' })
  @IsProductcode({ each: true })
  productcodes?: string[] | null;

  @Field(() => Int, { nullable: true, description: "Only changes in this warehouse; freeStock is then that warehouse's." })
  warehouseId?: number | null;

  @Field(() => String, { nullable: true, description: 'Resume after this event id (exclusive): replays what was missed, then live.' })
  after?: string | null;
}
