import { Args, ArgsType, Authorized, Ctx, Field, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { picqerLoaders, type GatewayContext } from '../context';
import { toOrder, toProduct } from '../datasources/picqer';
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
  async order(@Ctx() ctx: GatewayContext, @Args() { id, orderid }: OrderArgs): Promise<Order | null> {
    exactlyOne(id, orderid, 'id', 'orderid');
    const loaders = picqerLoaders(ctx);
    if (id != null) {
      const wire = await loaders.orderById.load(parseId(id, 'id'));
      return wire ? toOrder(wire) : null;
    }
    const rows = await loaders.orderList({ orderid: orderid! });
    const hit = rows.find((o) => o.orderid === orderid);
    return hit ? toOrder(hit) : null;
  }

  @Authorized('orders:read')
  @Query(() => OrderConnection)
  orders(@Ctx() ctx: GatewayContext, @Args() { first, after, status }: OrdersArgs) {
    const loaders = picqerLoaders(ctx);
    return paginate(first, after, (offset) => loaders.orderList({ offset, status: status ?? undefined }), toOrder);
  }
}

@Resolver(() => OrderLine)
export class OrderLineResolver {
  // A product behind an order line is stock data: an orders-only token does not get it.
  @Authorized('stock:read')
  @FieldResolver(() => Product, { nullable: true })
  async product(@Root() line: OrderLine, @Ctx() ctx: GatewayContext): Promise<Product | null> {
    const wire = await picqerLoaders(ctx).productById.load(line.idproduct);
    return wire ? toProduct(wire) : null;
  }
}
