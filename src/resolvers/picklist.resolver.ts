import { Args, ArgsType, Authorized, Ctx, Field, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { Min } from 'class-validator';
import { picqerLoaders, type GatewayContext } from '../context';
import { toOrder, toPicklist, toProduct, toWarehouse } from '../datasources/picqer';
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
  async picklist(@Ctx() ctx: GatewayContext, @Args() { id, picklistid }: PicklistArgs): Promise<Picklist | null> {
    exactlyOne(id, picklistid, 'id', 'picklistid');
    const loaders = picqerLoaders(ctx);
    if (id != null) {
      const wire = await loaders.picklistById.load(parseId(id, 'id'));
      return wire ? toPicklist(wire) : null;
    }
    const rows = await loaders.picklistList({ picklistid: picklistid! });
    const hit = rows.find((p) => p.picklistid === picklistid);
    return hit ? toPicklist(hit) : null;
  }

  @Authorized('stock:read')
  @Query(() => PicklistConnection)
  picklists(@Ctx() ctx: GatewayContext, @Args() { first, after, status, warehouseId }: PicklistsArgs) {
    const loaders = picqerLoaders(ctx);
    return paginate(
      first,
      after,
      (offset) => loaders.picklistList({ offset, status: status ?? undefined, idwarehouse: warehouseId ?? undefined }),
      toPicklist,
    );
  }

  @Authorized('stock:read')
  @FieldResolver(() => Warehouse, { nullable: true })
  async warehouse(@Root() p: Picklist, @Ctx() ctx: GatewayContext): Promise<Warehouse | null> {
    const w = await picqerLoaders(ctx).warehouseById(p.idwarehouse);
    return w ? toWarehouse(w) : null;
  }

  @Authorized('orders:read')
  @FieldResolver(() => Order, { nullable: true })
  async order(@Root() p: Picklist, @Ctx() ctx: GatewayContext): Promise<Order | null> {
    const o = await picqerLoaders(ctx).orderById.load(p.idorder);
    return o ? toOrder(o) : null;
  }
}

@Resolver(() => PicklistLine)
export class PicklistLineResolver {
  // A product behind an order line is stock data: an orders-only token does not get it.
  @Authorized('stock:read')
  @FieldResolver(() => Product, { nullable: true })
  async product(@Root() line: PicklistLine, @Ctx() ctx: GatewayContext): Promise<Product | null> {
    const wire = await picqerLoaders(ctx).productById.load(line.idproduct);
    return wire ? toProduct(wire) : null;
  }
}
