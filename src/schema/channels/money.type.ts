import { Field, ObjectType } from 'type-graphql';

/** Built by util/money.ts from each upstream's wire: the amount never passes through a float. */
@ObjectType({ description: "An amount of money in a currency, as Shopify's MoneyV2: the amount is a decimal string, never a float." })
export class Money {
  @Field(() => String, {
    description:
      'The amount as a decimal string, e.g. "19.99", as the upstream states it (excluding VAT for Picqer; including VAT for Lightspeed: its priceIncl). Parse it with a decimal type, not a float.',
  })
  amount!: string;

  @Field(() => String, {
    nullable: true,
    description: "ISO 4217 code, e.g. EUR. Null when the gateway does not know it: Shopify's shop currency is not read yet.",
  })
  currencyCode!: string | null;
}
