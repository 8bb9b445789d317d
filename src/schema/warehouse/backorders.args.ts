import { ArgsType, Field } from 'type-graphql';
import { MaxLength } from 'class-validator';
import { PaginationArgs } from '../common/pagination.args';
import { MAX_PRODUCTCODE_LENGTH } from '../../util/productcodes';

@ArgsType()
export class BackordersArgs extends PaginationArgs {
  @Field(() => String, { nullable: true, description: 'Only the backorders of this product.' })
  @MaxLength(MAX_PRODUCTCODE_LENGTH)
  productcode?: string | null;
}
