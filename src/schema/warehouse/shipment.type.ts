import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A shipment of a picklist, with its track & trace.' })
export class Shipment {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  idshipment!: number;

  @Field({ description: 'The carrier as the public knows it (e.g. "PostNL").' })
  carrier!: string;

  @Field(() => String, { nullable: true, description: 'Picqer\'s carrier key (e.g. "postnl").' })
  carrierKey!: string | null;

  @Field(() => String, { nullable: true })
  trackingCode!: string | null;

  @Field(() => String, { nullable: true, description: 'Where the customer can follow the parcel.' })
  trackingUrl!: string | null;

  @Field(() => String, { nullable: true })
  createdAt!: string | null;

  @Field({ description: 'Cancelled shipments stay listed (Picqer allows it within 5 minutes of creation).' })
  cancelled!: boolean;
}
