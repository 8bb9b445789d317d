import { Kind, type GraphQLResolveInfo } from 'graphql';
import { Authorized, Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../context';
import { requireLoaders } from '../../datasources/loaders';
import type { PicqerPartModel, PicqerProductModel, PicqerStockLevelModel } from '../../datasources/picqer';
import { Product } from '../../schema/product.type';
import { StockLevel } from '../../schema/stock-level.type';
import { ProductPart } from '../../schema/warehouse/product-part.type';
import { ProductType } from '../../schema/warehouse/product-type.enum';

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
    if (product.type === 'virtual_composition') return requireLoaders(ctx.loaders, 'picqer').stockOf(product);
    // Rows carry their product only when `locations` may be asked (StockLocationResolver needs it):
    // a page of products otherwise answers its rows as they are, without a copy.
    return mayAskLocations(info) ? product.stock.map((s) => ({ ...s, idproduct: product.idproduct })) : product.stock;
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

/** Whether the selection under `stock` asks `locations` (or spreads a fragment, which might). */
function mayAskLocations(info: GraphQLResolveInfo): boolean {
  return info.fieldNodes.some((n) => (n.selectionSet?.selections ?? []).some((s) => s.kind !== Kind.FIELD || s.name.value === 'locations'));
}
