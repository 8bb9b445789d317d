import { ArgsType, Field, ID } from 'type-graphql';
import { IsProductcode } from './shopify/productcodes.args';

/** `Query.product`: one product by Picqer id or by product code (exactly one of the two). */
@ArgsType()
export class ProductArgs {
  @Field(() => ID, { nullable: true })
  id?: string | null;

  // A code goes into Picqer's URL: the one product-code rule keeps it short.
  @Field(() => String, { nullable: true })
  @IsProductcode()
  productcode?: string | null;
}
