import { ArgsType, Field, Int } from 'type-graphql';

/** Most product codes one drift check or sync may name: one Shopify mutation's worth. */
export const MAX_PRODUCTCODES = 250;

/** A product code the drift check and the sync accept: not blank, at most 255 characters. */
export function isValidProductcode(code: string): boolean {
  return code.trim() !== '' && code.length <= 255;
}

@ArgsType()
export class StockDriftArgs {
  @Field(() => [String], { description: `Product codes to compare, at most ${MAX_PRODUCTCODES}.` })
  productcodes!: string[];

  @Field(() => Int, { defaultValue: 0, description: 'Report only differences larger than this (≥ 0).' })
  threshold!: number;
}

@ArgsType()
export class StockSyncArgs {
  @Field(() => [String], { description: `Product codes to sync, at most ${MAX_PRODUCTCODES}.` })
  productcodes!: string[];
}
