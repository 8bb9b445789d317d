import { ArgsType, Field, Int } from 'type-graphql';
import { Max, Min } from 'class-validator';

/** Largest `first` a page may ask for: five Picqer calls of 100. The cost estimate reads it too. */
export const MAX_PAGE_SIZE = 500;

/** Relay forward pagination. `first` is capped so one page costs a bounded number of upstream calls. */
@ArgsType()
export class PaginationArgs {
  @Field(() => Int, { defaultValue: 50, description: `Page size, 1 to ${MAX_PAGE_SIZE} (Picqer serves 100 a call).` })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first!: number;

  @Field(() => String, { nullable: true, description: 'An endCursor from a previous page.' })
  after?: string | null;
}
