import { Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../context';
import { requireLoaders } from '../../datasources/loaders';
import type { PicqerLocationStockModel, PicqerStockLevelModel } from '../../datasources/picqer';
import { StockLevel } from '../../schema/stock-level.type';
import { StockLocation } from '../../schema/warehouse/stock-location.type';

/** A stock row that knows its product: the product row (resolvers/product-rows.ts) adds the id when `locations` is asked. */
export type LocatedStockLevel = PicqerStockLevelModel & { idproduct?: number };

/**
 * `StockLevel.locations`: where in the warehouse the stock lies, from Picqer's stock of a product in
 * one warehouse (`GET /products/{id}/stock/{idwarehouse}`, one call per product and warehouse).
 * Stock on "no specific location" is not listed; a bundle, which has no stock of its own, has none.
 */
@Resolver(() => StockLevel)
export class StockLocationResolver {
  @Authorized('stock:read')
  @FieldResolver(() => [StockLocation], { description: 'Stock per location (bin, shelf) in this warehouse, where Picqer registers it.' })
  locations(@Root() level: LocatedStockLevel, @Ctx() ctx: GatewayContext): PicqerLocationStockModel[] | Promise<PicqerLocationStockModel[]> {
    if (level.idproduct === undefined) return [];
    return requireLoaders(ctx.loaders, 'picqer').locationsOf.load(`${level.idproduct}:${level.idwarehouse}`);
  }
}
