import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: "A product's stock on one location (bin, shelf) of a warehouse. Stock on no specific location is not listed." })
export class StockLocation {
  @Field()
  name!: string;

  @Field(() => Int)
  stock!: number;
}
