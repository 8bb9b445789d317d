import { Field, ObjectType } from 'type-graphql';

/** Relay's PageInfo. */
@ObjectType()
export class PageInfo {
  @Field({ description: 'True when more items may follow. Picqer gives no totals: a last page that is exactly full reports true and the next page is empty.' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}
