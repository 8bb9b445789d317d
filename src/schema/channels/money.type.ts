import { Field, Float, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An amount of money in a currency.' })
export class Money {
  @Field(() => Float, { description: 'The amount as the shop states it (including VAT for Lightspeed: its priceIncl).' })
  amount!: number;

  @Field(() => String, {
    nullable: true,
    description: "ISO 4217 code, e.g. EUR. Null when the gateway does not know it: Shopify's shop currency is not read yet.",
  })
  currency!: string | null;
}
