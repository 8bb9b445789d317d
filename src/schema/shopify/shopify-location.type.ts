import { Directive, Field, ID, ObjectType } from 'type-graphql';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A Shopify location (store, warehouse) that holds inventory.' })
export class ShopifyLocation {
  @Field(() => ID, { description: 'Shopify gid, e.g. gid://shopify/Location/1.' })
  id!: string;

  @Field()
  name!: string;
}
