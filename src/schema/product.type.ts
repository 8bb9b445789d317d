import { Authorized, Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { prefetchWarehouses } from '../datasources/loaders';
import { PrefetchFor } from './common/prefetch';
import { Money } from './channels/money.type';
import { StockLevel } from './stock-level.type';

/**
 * A Picqer product. `shopify` and `exact` are joined on `productcode` by their own resolvers
 * (src/resolvers/shopify*.resolver.ts, exact*.resolver.ts).
 */
@Directive('@key(fields: "productcode")')
@Directive('@key(fields: "id")')
@ObjectType({ description: 'A product in the warehouse (Picqer), joined with its shop variant and bookkeeping item.' })
export class Product {
  @Field(() => ID, { description: 'Global id: the Picqer idproduct as a string.' })
  id!: string;

  @Field(() => Int)
  idproduct!: number;

  @Field({ description: 'The join key: Picqer productcode = Shopify variant sku = Exact item Code.' })
  productcode!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true, description: 'EAN/GTIN barcode; null when Picqer has none.' })
  barcode!: string | null;

  @Field(() => Money, { nullable: true, description: 'Price excluding VAT, in EUR (Picqer prices are in the account currency).' })
  price!: Money | null;

  /**
   * Properties of the product a resolver answers, not field resolvers: every field that answers a
   * Product makes them when its selection asks (resolvers/product-rows.ts), so a page's 50 rows
   * cost a property read each. A bundle's stock is what its parts allow (datasources/picqer/bundle-stock.ts).
   */
  @Authorized('stock:read')
  @PrefetchFor(prefetchWarehouses)
  @Field(() => Int, {
    description:
      "Free stock for sale: `freeStock` summed over the warehouses that count for general stock (Picqer's `counts_for_general_stock`, see `Warehouse.countsForGeneralStock`). Stock in other warehouses, e.g. returns awaiting inspection, is in `stock` but not in this sum.",
  })
  freeStock?: number;

  @Authorized('stock:read')
  @Field(() => [StockLevel], {
    description: 'Stock per warehouse, including warehouses that do not count for general stock.',
  })
  stock!: StockLevel[];
}
