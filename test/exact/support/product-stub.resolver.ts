import { Arg, Query, Resolver } from 'type-graphql';
import { Product } from '../../../src/schema/product.type';

/**
 * A Query for the Exact resolver test: products by code with nothing but the code, so that
 * Product.exact can be exercised without a Picqer upstream. Declared once, outside any test.
 */
@Resolver()
export class ProductStubQuery {
  @Query(() => [Product])
  stubProducts(@Arg('codes', () => [String]) codes: string[]): Product[] {
    return codes.map((productcode, i) => ({
      id: String(i + 1), idproduct: i + 1, productcode, name: `Stub ${i + 1}`, barcode: null, price: null, freeStock: 0, stock: [],
    }));
  }
}
