import { ArrayMaxSize, ValidateBy, type ValidationOptions } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';
import { isValidProductcode, MAX_PRODUCTCODE_LENGTH, MAX_PRODUCTCODES } from '../../util/productcodes';
import { SalesChannel } from '../channels/sales-channel.enum';

// The rule itself lives in util/ (the intake and the stock sync, below the schema, follow it too).
export { isValidProductcode, MAX_PRODUCTCODE_LENGTH, MAX_PRODUCTCODES };

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

  @Field(() => [SalesChannel], { nullable: true, description: 'Channels to compare. Default: every configured channel.' })
  channels?: SalesChannel[] | null;
}

@ArgsType()
export class StockSyncArgs {
  @Field(() => [String], { description: `Product codes to sync, at most ${MAX_PRODUCTCODES}.` })
  @ArrayMaxSize(MAX_PRODUCTCODES)
  @IsProductcode({ each: true })
  productcodes!: string[];
}
