import type { GraphQLResolveInfo } from 'graphql';
import { Args, ArgsType, Authorized, Ctx, Field, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../context';
import { requireLoaders } from '../datasources/loaders';
import type { PicqerOrderLineModel, PicqerOrderModel } from '../datasources/picqer';
import { PaginationArgs } from '../schema/common/pagination.args';
import { OrderConnection } from '../schema/connections';
import { OrderStatus } from '../schema/enums';
import { OrderArgs } from '../schema/order/order.args';
import { OrderLine } from '../schema/order/order-line.type';
import { Order } from '../schema/order/order.type';
import { Product } from '../schema/product.type';
import { exactlyOne, parseId } from './ids';
import { paginate } from './paginate';
import { productByIdRow, type ProductAnswer } from './product-rows';
import { selectsPath } from './selection';

/** `orders { edges { node { lines { product } } } }`: the selection that preloads the lines' products. */
const LINE_PRODUCT = ['edges', 'node', 'lines', 'product'];

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
  async orders(@Ctx() ctx: GatewayContext, @Args() { first, after, status }: OrdersArgs, @Info() info: GraphQLResolveInfo) {
    const loaders = requireLoaders(ctx.loaders, 'picqer');
    const page = await paginate(first, after, (offset) => loaders.orderList({ offset, status: status ?? undefined }));
    // The lines' products in one batch before the lines run (the batch they would make), so each
    // line's `product` answers synchronously. A field the caller may not see is not in `info`'s
    // document (security/scope-plan.ts), so an orders-only token loads none.
    if (selectsPath(info, LINE_PRODUCT)) await loaders.productById.preload([...new Set(page.edges.flatMap((e) => e.node.lines.map((l) => l.idproduct)))]);
    return page;
  }
}

@Resolver(() => OrderLine)
export class OrderLineResolver {
  // A product behind an order line is stock data: an orders-only token does not get it.
  @Authorized('stock:read')
  @FieldResolver(() => Product, { nullable: true })
  product(@Root() line: PicqerOrderLineModel, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo): ProductAnswer {
    return productByIdRow(ctx, info, line.idproduct);
  }
}
