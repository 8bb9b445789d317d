import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { PERSONAL_DATA_SCOPE } from '../../auth/scopes';
import type { GatewayContext } from '../../context';
import { requireLoaders } from '../../datasources/loaders';
import type { PicqerCustomerModel, PicqerOrderModel } from '../../datasources/picqer';
import { Order } from '../../schema/order/order.type';
import { CustomerConnection } from '../../schema/warehouse/customer-connection';
import { Customer } from '../../schema/warehouse/customer.type';
import { CustomerArgs, CustomersArgs } from '../../schema/warehouse/customers.args';
import { parseId } from '../ids';
import { paginate } from '../paginate';

/**
 * Customers: personal data. Every way in needs customers:read (the queries and the order's customer
 * by @Authorized, every identifying field by @PersonalData, which the audit log records).
 * They are read from Picqer for each request and never cached; nothing here logs them.
 */
@Resolver(() => Customer)
export class CustomerResolver {
  @Authorized(PERSONAL_DATA_SCOPE)
  @Query(() => Customer, { nullable: true, description: 'One customer by Picqer idcustomer; null when there is none. Personal data (scope customers:read).' })
  customer(@Ctx() ctx: GatewayContext, @Args() { id }: CustomerArgs): Promise<PicqerCustomerModel | null> {
    return requireLoaders(ctx.loaders, 'picqer').customerById.load(parseId(id, 'id'));
  }

  @Authorized(PERSONAL_DATA_SCOPE)
  @Query(() => CustomerConnection, { description: 'Customers, optionally matching a search. Personal data (scope customers:read).' })
  customers(@Ctx() ctx: GatewayContext, @Args() { first, after, search }: CustomersArgs) {
    const loaders = requireLoaders(ctx.loaders, 'picqer');
    return paginate(first, after, (offset) => loaders.customerList({ offset, search: search ?? undefined }));
  }
}

@Resolver(() => Order)
export class OrderCustomerResolver {
  // The link needs customers:read; the customer's identifying fields are @PersonalData, so audited.
  @Authorized(PERSONAL_DATA_SCOPE)
  @FieldResolver(() => Customer, { nullable: true, description: "The order's customer; null for a guest order. Personal data (scope customers:read)." })
  customer(@Root() order: PicqerOrderModel, @Ctx() ctx: GatewayContext): Promise<PicqerCustomerModel | null> | null {
    return order.idcustomer === null ? null : requireLoaders(ctx.loaders, 'picqer').customerById.load(order.idcustomer);
  }
}
