import { ArgsType, Field, Int } from 'type-graphql';
import { Min } from 'class-validator';

@ArgsType()
export class ShipmentCreatedArgs {
  @Field(() => Int, { nullable: true, description: 'Only shipments of this order (Picqer idorder).' })
  @Min(1)
  orderId?: number | null;
}
