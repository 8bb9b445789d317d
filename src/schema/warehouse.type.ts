import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

@Directive('@key(fields: "id")')
@Directive('@key(fields: "idwarehouse")')
@ObjectType({ description: 'A Picqer warehouse.' })
export class Warehouse {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  idwarehouse!: number;

  @Field()
  name!: string;

  @Field({ description: 'Whether orders can be fulfilled from this warehouse.' })
  acceptsOrders!: boolean;

  @Field({ description: 'Whether its stock counts towards the general (summed) stock.' })
  countsForGeneralStock!: boolean;
}
