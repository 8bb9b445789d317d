import { Field, ID, ObjectType } from 'type-graphql';
import { Money } from '../channels/money.type';
import { ShopifyInventoryLevel } from './shopify-inventory-level.type';

@ObjectType({ description: 'The Shopify product variant whose SKU equals the product code.' })
export class ShopifyVariant {
  @Field(() => ID, { description: 'Shopify gid, e.g. gid://shopify/ProductVariant/123.' })
  id!: string;

  @Field()
  sku!: string;

  @Field({ description: 'Product title, plus the variant title when the product has real variants.' })
  title!: string;

  @Field(() => Money, {
    nullable: true,
    description: "Shop price, Shopify's decimal amount as sent, in the shop's currency (its Shop.currencyCode).",
  })
  price!: Money | null;

  @Field(() => [ShopifyInventoryLevel], { description: 'Inventory per location.' })
  inventory!: ShopifyInventoryLevel[];
}
