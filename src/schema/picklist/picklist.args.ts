import { MaxLength } from 'class-validator';
import { ArgsType, Field, ID } from 'type-graphql';
import { MAX_NUMBER_LENGTH } from '../order/order.args';

/** `Query.picklist`: one picklist by Picqer id or by picklist number (exactly one of the two). */
@ArgsType()
export class PicklistArgs {
  @Field(() => ID, { nullable: true })
  id?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(MAX_NUMBER_LENGTH)
  picklistid?: string | null;
}
