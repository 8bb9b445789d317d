import { ArgsType, Field, ID } from 'type-graphql';
import { MaxLength } from 'class-validator';
import { PaginationArgs } from '../common/pagination.args';

@ArgsType()
export class CustomerArgs {
  @Field(() => ID, { description: 'The Picqer idcustomer.' })
  id!: string;
}

@ArgsType()
export class CustomersArgs extends PaginationArgs {
  @Field(() => String, { nullable: true, description: "Picqer's free-text search over customers (name, customer number, e-mail address)." })
  @MaxLength(200)
  search?: string | null;
}
