import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A supplier of purchase orders (a company, not a person).' })
export class Supplier {
  @Field(() => Int, { nullable: true, description: "Picqer's idsupplier; null for a purchase order that names its supplier without linking one." })
  idsupplier!: number | null;

  @Field()
  name!: string;
}
