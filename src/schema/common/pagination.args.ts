import { ArgsType, Field, Int } from 'type-graphql';
import { Max, Min } from 'class-validator';

/** Relay forward pagination. `first` is capped so one page costs a bounded number of upstream calls. */
@ArgsType()
export class PaginationArgs {
  @Field(() => Int, { defaultValue: 50, description: 'Page size, 1 to 500 (Picqer serves 100 a call).' })
  @Min(1)
  @Max(500)
  first!: number;

  @Field(() => String, { nullable: true, description: 'An endCursor from a previous page.' })
  after?: string | null;
}
