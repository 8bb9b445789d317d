import type { GraphQLResolveInfo } from 'graphql';
import { Args, ArgsType, Authorized, Ctx, Field, FieldResolver, Info, Int, Query, Resolver, Root } from 'type-graphql';
import { Min } from 'class-validator';
import type { GatewayContext } from '../context';
import { requireLoaders } from '../datasources/loaders';
import type { PicqerOrderModel, PicqerPicklistLineModel, PicqerPicklistModel, PicqerWarehouseModel } from '../datasources/picqer';
import { PaginationArgs } from '../schema/common/pagination.args';
import { PicklistConnection } from '../schema/connections';
import { PicklistStatus } from '../schema/enums';
import { Order } from '../schema/order/order.type';
import { PicklistLine } from '../schema/picklist/picklist-line.type';
import { PicklistArgs } from '../schema/picklist/picklist.args';
import { Picklist } from '../schema/picklist/picklist.type';
import { Product } from '../schema/product.type';
import { Warehouse } from '../schema/warehouse.type';
import { exactlyOne, parseId } from './ids';
import { paginate } from './paginate';
import { productByIdRow, type ProductAnswer } from './product-rows';

@ArgsType()
export class PicklistsArgs extends PaginationArgs {
  @Field(() => PicklistStatus, { nullable: true })
  status?: PicklistStatus | null;

  @Field(() => Int, { nullable: true })
  @Min(1)
  warehouseId?: number | null;
}

@Resolver(() => Picklist)
export class PicklistResolver {
  @Authorized('stock:read')
  @Query(() => Picklist, { nullable: true, description: 'One picklist by Picqer id or by picklist number; null when there is none.' })
  async picklist(@Ctx() ctx: GatewayContext, @Args() { id, picklistid }: PicklistArgs): Promise<PicqerPicklistModel | null> {
    exactlyOne(id, picklistid, 'id', 'picklistid');
    const loaders = requireLoaders(ctx.loaders, 'picqer');
    return id != null ? loaders.picklistById.load(parseId(id, 'id')) : loaders.picklistByPicklistid(picklistid!);
  }

  @Authorized('stock:read')
  @Query(() => PicklistConnection)
  picklists(@Ctx() ctx: GatewayContext, @Args() { first, after, status, warehouseId }: PicklistsArgs) {
    const loaders = requireLoaders(ctx.loaders, 'picqer');
    return paginate(first, after, (offset) => loaders.picklistList({ offset, status: status ?? undefined, idwarehouse: warehouseId ?? undefined }));
  }

  @Authorized('stock:read')
  @FieldResolver(() => Warehouse, { nullable: true })
  async warehouse(@Root() p: PicqerPicklistModel, @Ctx() ctx: GatewayContext): Promise<PicqerWarehouseModel | null> {
    return requireLoaders(ctx.loaders, 'picqer').warehouseById(p.idwarehouse);
  }

  @Authorized('orders:read')
  @FieldResolver(() => Order, { nullable: true })
  async order(@Root() p: PicqerPicklistModel, @Ctx() ctx: GatewayContext): Promise<PicqerOrderModel | null> {
    return requireLoaders(ctx.loaders, 'picqer').orderById.load(p.idorder);
  }
}

@Resolver(() => PicklistLine)
export class PicklistLineResolver {
  // A product behind an order line is stock data: an orders-only token does not get it.
  @Authorized('stock:read')
  @FieldResolver(() => Product, { nullable: true })
  product(@Root() line: PicqerPicklistLineModel, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo): ProductAnswer {
    return productByIdRow(ctx, info, line.idproduct);
  }
}
