import { Args, Authorized, Ctx, FieldResolver, Resolver, Root, Subscription } from 'type-graphql';
import { checkScopes } from '../../auth/auth-checker';
import type { GatewayContext } from '../../context';
import { requireLoaders } from '../../datasources/loaders';
import type { PicqerOrderModel, PicqerPicklistModel, PicqerShipmentModel } from '../../datasources/picqer';
import type { GatewayEventOf } from '../../events/log/event.types';
import { validateArgsAs } from '../../schema/common/args-validation';
import { Order } from '../../schema/order/order.type';
import { Picklist } from '../../schema/picklist/picklist.type';
import { ShipmentCreatedArgs } from '../../schema/warehouse/shipment-created.args';
import { ShipmentEvent } from '../../schema/warehouse/shipment-event.type';
import { Shipment } from '../../schema/warehouse/shipment.type';

/**
 * Shipments and track & trace for order-status pages: a picklist's shipments (one call per
 * picklist), an order's (its picklists in one call, then theirs) and `shipmentCreated` from
 * Picqer's `picklists.shipments.created`. Shipments belong with orders, so they need orders:read.
 */
@Resolver(() => Picklist)
export class PicklistShipmentsResolver {
  @Authorized('orders:read')
  @FieldResolver(() => [Shipment], { description: "The picklist's shipments, with carrier and track & trace." })
  shipments(@Root() picklist: PicqerPicklistModel, @Ctx() ctx: GatewayContext): Promise<PicqerShipmentModel[]> {
    return requireLoaders(ctx.loaders, 'picqer').shipmentsOfPicklist.load(picklist.idpicklist);
  }
}

@Resolver(() => Order)
export class OrderShipmentsResolver {
  @Authorized('orders:read')
  @FieldResolver(() => [Shipment], { description: "The shipments of the order's picklists, with carrier and track & trace." })
  async shipments(@Root() order: PicqerOrderModel, @Ctx() ctx: GatewayContext): Promise<PicqerShipmentModel[]> {
    const loaders = requireLoaders(ctx.loaders, 'picqer');
    const picklists = await loaders.picklistsOfOrder.load(order.idorder);
    return (await loaders.shipmentsOfPicklist.loadMany(picklists.map((p) => p.idpicklist))).flatMap((r) => {
      if (r instanceof Error) throw r;
      return r;
    });
  }
}

@Resolver()
export class ShipmentSubscriptionResolver {
  @Authorized('orders:read')
  @Subscription(() => ShipmentEvent, {
    description: 'Shipments created on picklists (carrier and track & trace), optionally of one order.',
    subscribe: ({ args, context }) => {
      const ctx = context as GatewayContext;
      checkScopes(ctx, ['orders:read'], 'Subscription.shipmentCreated');
      if (!ctx.services?.events?.bus) throw new Error('Subscriptions are unavailable: context.services.events is not set up.');
      const orderId = validateArgsAs(ShipmentCreatedArgs, args).orderId ?? null;
      return ctx.services.events.bus.subscribe({ topic: 'shipmentCreated', filter: (e) => orderId === null || e.payload.idorder === orderId });
    },
  })
  shipmentCreated(@Root() event: GatewayEventOf<'shipmentCreated'>, @Args() _args: ShipmentCreatedArgs): ShipmentEvent {
    return { id: event.id, ...event.payload };
  }
}
