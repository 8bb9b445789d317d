import type { GraphQLResolveInfo } from 'graphql';
import { Authorized, Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../context';
import { requireLoaders } from '../../datasources/loaders';
import type { PicqerPartModel, PicqerProductModel, PicqerStockLevelModel } from '../../datasources/picqer';
import { Product } from '../../schema/product.type';
import { StockLevel } from '../../schema/stock-level.type';
import { ProductPart } from '../../schema/warehouse/product-part.type';
import { ProductType } from '../../schema/warehouse/product-type.enum';
import { subfieldsAsked } from '../selection';

/**
 * Bundles: `Product.type`, `Product.parts` and the stock of a virtual composition, which Picqer
 * keeps none of: `Product.stock` (and so `Product.freeStock`, ProductFreeStockResolver) of a
 * VIRTUAL_COMPOSITION is what its parts allow per warehouse (datasources/picqer/bundle-stock.ts).
 * Any other product answers its own rows, synchronously.
 */
@Resolver(() => Product)
export class BundleResolver {
  @Authorized('stock:read')
  @FieldResolver(() => ProductType, { description: "Picqer's product type." })
  type(@Root() product: PicqerProductModel): ProductType {
    return (product.type ?? ProductType.NORMAL) as ProductType;
  }

  @Authorized('stock:read')
  @FieldResolver(() => [ProductPart], { description: 'The parts of a composition (bundle); empty for any other product.' })
  parts(@Root() product: PicqerProductModel, @Ctx() ctx: GatewayContext): PicqerPartModel[] | Promise<PicqerPartModel[]> {
    const t = product.type ?? 'normal';
    // Only compositions have parts: other products cost no call.
    if (t !== 'virtual_composition' && t !== 'composition_with_stock') return [];
    return requireLoaders(ctx.loaders, 'picqer').partsOf.load(product.idproduct);
  }

  @Authorized('stock:read')
  @FieldResolver(() => [StockLevel], {
    description: 'Stock per warehouse, including warehouses that do not count for general stock. A VIRTUAL_COMPOSITION: what its parts allow.',
  })
  stock(
    @Root() product: PicqerProductModel,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): PicqerStockLevelModel[] | Promise<PicqerStockLevelModel[]> {
    const loaders = requireLoaders(ctx.loaders, 'picqer');
    const asked = subfieldsAsked(info);
    // Rows carry what their selection asks beyond Picqer's row, and are copies only then (a page
    // of products otherwise answers its rows as they are): their product when `locations` is asked
    // (StockLocationResolver needs it; a bundle has no locations of its own), their warehouse when
    // `warehouse` is (StockLevel.warehouse is a property of the row).
    const complete = (rows: PicqerStockLevelModel[]): PicqerStockLevelModel[] | Promise<PicqerStockLevelModel[]> => {
      const idproduct = asked.has('locations') && product.type !== 'virtual_composition' ? product.idproduct : undefined;
      if (asked.has('warehouse')) return loaders.withWarehouses(rows, idproduct);
      return idproduct === undefined ? rows : rows.map((s) => ({ ...s, idproduct }));
    };
    const rows = loaders.stockOf(product);
    return rows instanceof Promise ? rows.then(complete) : complete(rows);
  }
}

@Resolver(() => ProductPart)
export class ProductPartResolver {
  @Authorized('stock:read')
  @FieldResolver(() => Product, { nullable: true })
  product(@Root() part: PicqerPartModel, @Ctx() ctx: GatewayContext): Promise<PicqerProductModel | null> {
    return requireLoaders(ctx.loaders, 'picqer').productById.load(part.idproduct);
  }
}
