import { ArrayMaxSize, ValidateBy, type ValidationOptions } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';

/** Most product codes one drift check or sync may name: one Shopify mutation's worth. */
export const MAX_PRODUCTCODES = 250;

/** Longest product code accepted anywhere (Picqer's productcode field; Shopify SKUs are shorter). */
export const MAX_PRODUCTCODE_LENGTH = 255;

/**
 * The one product-code rule: not blank, at most MAX_PRODUCTCODE_LENGTH characters. Every argument
 * that takes a code carries it (@IsProductcode), so no oversized code ever reaches an upstream URL
 * or query; the automatic stock sync checks event codes with the same function.
 */
export function isValidProductcode(code: unknown): code is string {
  return typeof code === 'string' && code.trim() !== '' && code.length <= MAX_PRODUCTCODE_LENGTH;
}

/** class-validator decorator for the product-code rule; `{ each: true }` for a list of codes. */
export function IsProductcode(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isProductcode',
      validator: {
        validate: (value: unknown) => isValidProductcode(value),
        // Names the rule, never the value (it is the caller's text, of any length).
        defaultMessage: (args) =>
          `${options?.each ? `each value in ${args?.property}` : args?.property} must be a product code: not blank, at most ${MAX_PRODUCTCODE_LENGTH} characters`,
      },
    },
    options,
  );
}

@ArgsType()
export class StockDriftArgs {
  @Field(() => [String], { description: `Product codes to compare, at most ${MAX_PRODUCTCODES}.` })
  @ArrayMaxSize(MAX_PRODUCTCODES)
  @IsProductcode({ each: true })
  productcodes!: string[];

  @Field(() => Int, { defaultValue: 0, description: 'Report only differences larger than this (≥ 0).' })
  threshold!: number;
}

@ArgsType()
export class StockSyncArgs {
  @Field(() => [String], { description: `Product codes to sync, at most ${MAX_PRODUCTCODES}.` })
  @ArrayMaxSize(MAX_PRODUCTCODES)
  @IsProductcode({ each: true })
  productcodes!: string[];
}
