import type { GraphQLResolveInfo } from 'graphql';
import { Authorized, Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../context';
import { requireLoaders } from '../../datasources/loaders';
import type { PicqerPartModel, PicqerProductModel } from '../../datasources/picqer';
import { Product } from '../../schema/product.type';
import { ProductPart } from '../../schema/warehouse/product-part.type';
import { ProductType } from '../../schema/warehouse/product-type.enum';
import { productByIdRow, type ProductAnswer } from '../product-rows';

/**
 * Bundles: `Product.type` and `Product.parts`. The stock of a virtual composition, which Picqer
 * keeps none of, is what its parts allow per warehouse (datasources/picqer/bundle-stock.ts): its
 * `Product.stock` and `Product.freeStock` are made with the row (resolvers/product-rows.ts).
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
}

@Resolver(() => ProductPart)
export class ProductPartResolver {
  @Authorized('stock:read')
  @FieldResolver(() => Product, { nullable: true })
  product(@Root() part: PicqerPartModel, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo): ProductAnswer {
    return productByIdRow(ctx, info, part.idproduct);
  }
}
