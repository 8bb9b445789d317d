import { Field, Float, ID, ObjectType } from 'type-graphql';
import { ShopifyInventoryLevel } from './shopify-inventory-level.type';

@ObjectType({ description: 'The Shopify product variant whose SKU equals the product code.' })
export class ShopifyVariant {
  @Field(() => ID, { description: 'Shopify gid, e.g. gid://shopify/ProductVariant/123.' })
  id!: string;

  @Field()
  sku!: string;

  @Field({ description: 'Product title, plus the variant title when the product has real variants.' })
  title!: string;

  @Field(() => Float, { nullable: true, description: 'Shop price (Shopify Money as a number).' })
  price!: number | null;

  @Field(() => [ShopifyInventoryLevel], { description: 'Inventory per location.' })
  inventory!: ShopifyInventoryLevel[];
}
