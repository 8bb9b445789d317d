import { Args, ArgsType, Authorized, Ctx, Field, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../context';
import { requireLoaders } from '../datasources/loaders';
import type { PicqerOrderLineModel, PicqerOrderModel, PicqerProductModel } from '../datasources/picqer';
import { PaginationArgs } from '../schema/common/pagination.args';
import { OrderConnection } from '../schema/connections';
import { OrderStatus } from '../schema/enums';
import { OrderArgs } from '../schema/order/order.args';
import { OrderLine } from '../schema/order/order-line.type';
import { Order } from '../schema/order/order.type';
import { Product } from '../schema/product.type';
import { exactlyOne, parseId } from './ids';
import { paginate } from './paginate';

@ArgsType()
export class OrdersArgs extends PaginationArgs {
  @Field(() => OrderStatus, { nullable: true })
  status?: OrderStatus | null;
}

@Resolver(() => Order)
export class OrderResolver {
  @Authorized('orders:read')
  @Query(() => Order, { nullable: true, description: 'One order by Picqer id or by order number; null when there is none.' })
  async order(@Ctx() ctx: GatewayContext, @Args() { id, orderid }: OrderArgs): Promise<PicqerOrderModel | null> {
    exactlyOne(id, orderid, 'id', 'orderid');
    const loaders = requireLoaders(ctx.loaders, 'picqer');
    return id != null ? loaders.orderById.load(parseId(id, 'id')) : loaders.orderByOrderid(orderid!);
  }

  @Authorized('orders:read')
  @Query(() => OrderConnection)
  orders(@Ctx() ctx: GatewayContext, @Args() { first, after, status }: OrdersArgs) {
    const loaders = requireLoaders(ctx.loaders, 'picqer');
    return paginate(first, after, (offset) => loaders.orderList({ offset, status: status ?? undefined }));
  }
}

@Resolver(() => OrderLine)
export class OrderLineResolver {
  // A product behind an order line is stock data: an orders-only token does not get it.
  @Authorized('stock:read')
  @FieldResolver(() => Product, { nullable: true })
  async product(@Root() line: PicqerOrderLineModel, @Ctx() ctx: GatewayContext): Promise<PicqerProductModel | null> {
    return requireLoaders(ctx.loaders, 'picqer').productById.load(line.idproduct);
  }
}
