import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { PicklistStatus } from '../enums';

@ObjectType({ description: 'A picklist was closed in the warehouse (Picqer picklists.closed).' })
export class PicklistEvent {
  @Field(() => ID, { description: 'Event log id.' })
  id!: string;

  @Field({ description: 'Picqer\'s picklist number, e.g. "P2026-00012".' })
  picklistid!: string;

  @Field(() => Int)
  idpicklist!: number;

  @Field(() => Int, { nullable: true })
  warehouseId!: number | null;

  @Field(() => PicklistStatus)
  status!: PicklistStatus;

  @Field(() => GraphQLDateTime, { nullable: true })
  closedAt!: string | null;

  @Field(() => Int, { nullable: true, description: 'The order the picklist belongs to.' })
  idorder!: number | null;
}
