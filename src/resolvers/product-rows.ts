import type { FieldNode, SelectionSetNode } from 'graphql';
import type { GatewayContext } from '../context';
import { requireLoaders } from '../datasources/loaders';
import type { PicqerProductModel, PicqerProductRow, ProductRowNeeds } from '../datasources/picqer';
import { selected, type Selection } from './selection';

/**
 * `Product.freeStock` and `Product.stock` are properties of the product a resolver answers, made
 * where a product leaves a resolver rather than by a field resolver per row: graphql-jit runs a
 * field resolver with a resolve info, a response path and three closures per call, and a page of
 * 50 products called two each. Every field that answers a Product calls `productRowOf` or `productRows` here
 * (Query.product, Query.products, the `product` of order lines, picklist lines, backorders and
 * bundle parts, and `_entities`); test/gateway/product-producers.test.ts fails for one that does not.
 *
 * What is made depends on what the field's selection asks (ProductRowNeeds), decided once per field
 * of a document: a product whose `freeStock` and `stock` are not asked is answered as it is, and the
 * warehouse list is read only when `freeStock` or a stock row's `warehouse` is asked.
 */

/** What a field answering one product answers. */
export type ProductAnswer = PicqerProductModel | PicqerProductRow | null | Promise<PicqerProductModel | PicqerProductRow | null>;

/** Where the products are in a field's answer: the answer itself, or each edge's node of a connection. */
export type ProductPlace = 'self' | 'edges.node';

/** One product answered by a field. */
function productRow(ctx: GatewayContext, info: Selection, product: PicqerProductModel | null): ProductAnswer {
  if (!product) return product;
  return requireLoaders(ctx.loaders, 'picqer').productRow(product, productNeeds(info, 'self'));
}

/** A field's product, once loaded. */
export function productRowOf(
  ctx: GatewayContext,
  info: Selection,
  product: Promise<PicqerProductModel | null>,
): Promise<PicqerProductModel | PicqerProductRow | null>;
export function productRowOf(ctx: GatewayContext, info: Selection, product: PicqerProductModel | null | Promise<PicqerProductModel | null>): ProductAnswer;
export function productRowOf(ctx: GatewayContext, info: Selection, product: PicqerProductModel | null | Promise<PicqerProductModel | null>): ProductAnswer {
  return product instanceof Promise ? product.then((p) => productRow(ctx, info, p)) : productRow(ctx, info, product);
}

/**
 * The product of a row that names it by id (an order or picklist line, a backorder, a bundle
 * part), batched with the request's other ids; without a promise when the request knows it already.
 */
export function productByIdRow(ctx: GatewayContext, info: Selection, idproduct: number): ProductAnswer {
  const byId = requireLoaders(ctx.loaders, 'picqer').productById;
  const known = byId.peek(idproduct);
  return productRowOf(ctx, info, known !== undefined ? known : byId.load(idproduct));
}

/** Products answered by a field at `place`, in their order; one promise for all only when a row needs one. */
export function productRows(
  ctx: GatewayContext,
  info: Selection,
  place: ProductPlace,
  products: readonly PicqerProductModel[],
): ReadonlyArray<PicqerProductModel | PicqerProductRow> | Promise<ReadonlyArray<PicqerProductModel | PicqerProductRow>> {
  const needs = productNeeds(info, place);
  if (!needs.stock && !needs.freeStock) return products;
  const loaders = requireLoaders(ctx.loaders, 'picqer');
  const rows: Array<PicqerProductModel | PicqerProductRow | Promise<PicqerProductRow>> = products.map((p) => loaders.productRow(p, needs));
  if (!rows.some((r) => r instanceof Promise)) return rows as Array<PicqerProductModel | PicqerProductRow>;
  return Promise.all(rows.map((r) => Promise.resolve(r)));
}

/**
 * What the products a field answers at `place` need, from its selection: through fragments, and of
 * inline fragments and spreads only those that can apply to a Product (an `_entities` selection has
 * one per entity type). `@skip`/`@include` are not read: a field they may drop counts as asked, so
 * a little too much is made, never too little. Remembered per field of a document.
 */
export function productNeeds(info: Selection, place: ProductPlace): ProductRowNeeds {
  const memo = place === 'self' ? selfNeeds : edgeNeeds;
  let needs = memo.get(info.fieldNodes);
  if (!needs) {
    let products: readonly SelectionSetNode[] = info.fieldNodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
    if (place === 'edges.node') products = selected(info, selected(info, products, 'edges').sets, 'node').sets;
    const stock = selected(info, products, 'stock', 'Product');
    needs = {
      freeStock: selected(info, products, 'freeStock', 'Product').found,
      stock: stock.found,
      warehouse: selected(info, stock.sets, 'warehouse', 'StockLevel').found,
      locations: selected(info, stock.sets, 'locations', 'StockLevel').found,
    };
    memo.set(info.fieldNodes, needs);
  }
  return needs;
}

const selfNeeds = new WeakMap<readonly FieldNode[], ProductRowNeeds>();
const edgeNeeds = new WeakMap<readonly FieldNode[], ProductRowNeeds>();
