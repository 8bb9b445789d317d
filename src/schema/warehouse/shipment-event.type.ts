import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A shipment was created on a picklist (Picqer picklists.shipments.created): carrier and track & trace, no address.' })
export class ShipmentEvent {
  @Field(() => ID, { description: 'Event log id.' })
  id!: string;

  @Field(() => Int, { nullable: true, description: 'Null when Picqer sent the picklist rather than the shipment.' })
  idshipment!: number | null;

  @Field(() => Int)
  idpicklist!: number;

  @Field(() => Int, { nullable: true })
  idorder!: number | null;

  @Field(() => String, { nullable: true })
  carrier!: string | null;

  @Field(() => String, { nullable: true })
  trackingCode!: string | null;

  @Field(() => String, { nullable: true })
  trackingUrl!: string | null;

  @Field(() => GraphQLDateTime, { nullable: true })
  occurredAt!: string | null;
}
