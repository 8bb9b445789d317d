import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class PicklistClosedArgs {
  @Field(() => Int, { nullable: true, description: 'Only picklists of this warehouse.' })
  warehouseId?: number | null;
}
