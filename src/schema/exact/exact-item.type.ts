import { Field, Float, ID, ObjectType } from 'type-graphql';

/** An Exact Online item (`logistics/Items`), joined to a product on Code = productcode. */
@ObjectType({ description: 'The bookkeeping item in Exact Online with the same code as the product.' })
export class ExactItem {
  @Field(() => ID, { description: 'The Exact item GUID.' })
  id!: string;

  @Field({ description: 'Exact item Code (= Picqer productcode).' })
  code!: string;

  @Field()
  description!: string;

  @Field(() => Float, { nullable: true, description: 'Standard cost price (CostPriceStandard), in the division currency.' })
  costPrice!: number | null;

  @Field(() => Float, { nullable: true, description: 'Quantity in stock over all warehouses, as Exact books it.' })
  stock!: number | null;

  @Field(() => Float, { nullable: true, description: 'stock × costPrice, rounded to cents; null when either is unknown.' })
  stockValue!: number | null;
}
