import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../context';
import { requireLoaders } from '../../datasources/loaders';
import type { PicqerIncomingModel, PicqerProductModel, PicqerPurchaseOrderModel, PicqerSupplierModel } from '../../datasources/picqer';
import { Product } from '../../schema/product.type';
import { PurchaseOrderConnection } from '../../schema/warehouse/connections';
import { IncomingStock } from '../../schema/warehouse/incoming-stock.type';
import { PurchaseOrder } from '../../schema/warehouse/purchase-order.type';
import { PurchaseOrdersArgs } from '../../schema/warehouse/purchase-orders.args';
import { Supplier } from '../../schema/warehouse/supplier.type';
import { paginate } from '../paginate';

/**
 * Incoming stock: what open purchase orders (status PURCHASED) bring, per product, for a frontend's
 * "back in stock on …". The open purchase orders are read once per request and indexed by product,
 * so a page of products costs the same calls as one (warehouse-loaders.ts).
 */
@Resolver(() => Product)
export class IncomingStockResolver {
  @Authorized('stock:read')
  @FieldResolver(() => [IncomingStock], { description: 'Stock on its way from open purchase orders, soonest expected first.' })
  incoming(@Root() product: PicqerProductModel, @Ctx() ctx: GatewayContext): Promise<PicqerIncomingModel[]> {
    return requireLoaders(ctx.loaders, 'picqer').incomingOf(product.idproduct);
  }
}

@Resolver(() => PurchaseOrder)
export class PurchaseOrderResolver {
  @Authorized('stock:read')
  @Query(() => PurchaseOrderConnection, { description: 'Purchase orders, newest last, optionally of one status.' })
  purchaseOrders(@Ctx() ctx: GatewayContext, @Args() { first, after, status }: PurchaseOrdersArgs) {
    const loaders = requireLoaders(ctx.loaders, 'picqer');
    return paginate(first, after, (offset) => loaders.purchaseOrderList({ offset, status: status ?? undefined }));
  }

  @Authorized('stock:read')
  @FieldResolver(() => Supplier, { nullable: true })
  supplier(@Root() po: PicqerPurchaseOrderModel, @Ctx() ctx: GatewayContext): PicqerSupplierModel | null | Promise<PicqerSupplierModel | null> {
    // An order that only names its supplier costs no call.
    if (po.idsupplier === null) return po.supplierName === null ? null : { idsupplier: null, name: po.supplierName };
    return requireLoaders(ctx.loaders, 'picqer').supplierById.load(po.idsupplier);
  }
}
