import { ArgsType, Field } from 'type-graphql';
import { OrderStatus } from '../enums';

@ArgsType()
export class OrderStatusChangedArgs {
  @Field(() => OrderStatus, { nullable: true, description: 'Only changes to this status.' })
  status?: OrderStatus | null;
}
