import { MaxLength } from 'class-validator';
import { ArgsType, Field, ID } from 'type-graphql';

/** Longest order or picklist number accepted: it goes into Picqer's query string. */
export const MAX_NUMBER_LENGTH = 255;

/** `Query.order`: one order by Picqer id or by order number (exactly one of the two). */
@ArgsType()
export class OrderArgs {
  @Field(() => ID, { nullable: true })
  id?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(MAX_NUMBER_LENGTH)
  orderid?: string | null;
}
