import { ArgsType, Field } from 'type-graphql';
import { PaginationArgs } from '../common/pagination.args';
import { PurchaseOrderStatus } from './purchase-order-status.enum';

@ArgsType()
export class PurchaseOrdersArgs extends PaginationArgs {
  @Field(() => PurchaseOrderStatus, { nullable: true, description: 'Only purchase orders with this status.' })
  status?: PurchaseOrderStatus | null;
}
