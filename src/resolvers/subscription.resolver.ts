import { Args, Authorized, Resolver, Root, Subscription } from 'type-graphql';
import { checkScopes } from '../auth/auth-checker';
import type { GatewayContext } from '../context';
import { BadUserInputError } from '../errors';
import { ChannelStockChangedArgs } from '../schema/events/channel-stock-changed.args';
import { ChannelStockEvent } from '../schema/events/channel-stock-event.type';
import { toChannelStockEvent, toOrderEvent, toPicklistEvent, toStockChangeEvent } from '../schema/events/event.map';
import { FreeStockChangedArgs } from '../schema/events/free-stock-changed.args';
import { OrderEvent } from '../schema/events/order-event.type';
import { OrderStatusChangedArgs } from '../schema/events/order-status-changed.args';
import { PicklistClosedArgs } from '../schema/events/picklist-closed.args';
import { PicklistEvent } from '../schema/events/picklist-event.type';
import { StockChangeEvent } from '../schema/events/stock-change-event.type';
import type { EventBus, EventServices } from '../subscriptions/event-bus';
import { isEventId } from '../subscriptions/event-id';
import type { GatewayEventOf } from '../subscriptions/event.types';

/** The part of the GraphQL context subscriptions need; src/context.ts provides `services.events`. */
interface EventsContext {
  services?: { events?: EventServices | unknown };
}

/**
 * Upstream webhooks as GraphQL subscriptions. `subscribe` opens a bus iterator with the filter
 * (filters run on the server, so a client only receives what it asked for); each method then maps
 * one delivered log event to its schema type.
 */
@Resolver()
export class SubscriptionResolver {
  @Authorized('stock:read')
  @Subscription(() => StockChangeEvent, {
    description: 'Free stock changes in the warehouse. Pass the last seen event id as `after` to resume without gaps.',
    subscribe: ({ args, context }) => {
      checkScopes(context as GatewayContext, ['stock:read'], 'Subscription.freeStockChanged');
      const a = args as FreeStockChangedArgs;
      const after = validAfter(a.after);
      if (a.productcodes && a.productcodes.length === 0) {
        throw new BadUserInputError('productcodes must list at least one product code; omit it to get every product.', 'productcodes');
      }
      const codes = a.productcodes ? new Set(a.productcodes) : null;
      const warehouseId = a.warehouseId ?? null;
      return bus(context).subscribe({
        topic: 'freeStockChanged',
        after,
        filter: (e) =>
          (codes === null || codes.has(e.payload.productcode)) &&
          (warehouseId === null || e.payload.stock.some((s) => s.warehouseId === warehouseId)),
      });
    },
  })
  freeStockChanged(@Root() event: GatewayEventOf<'freeStockChanged'>, @Args() args: FreeStockChangedArgs): StockChangeEvent {
    return toStockChangeEvent(event, args.warehouseId ?? null);
  }

  @Authorized('stock:read')
  @Subscription(() => PicklistEvent, {
    description: 'Picklists closed in the warehouse.',
    subscribe: ({ args, context }) => {
      checkScopes(context as GatewayContext, ['stock:read'], 'Subscription.picklistClosed');
      const warehouseId = (args as PicklistClosedArgs).warehouseId ?? null;
      return bus(context).subscribe({
        topic: 'picklistClosed',
        filter: (e) => warehouseId === null || e.payload.warehouseId === warehouseId,
      });
    },
  })
  picklistClosed(@Root() event: GatewayEventOf<'picklistClosed'>, @Args() _args: PicklistClosedArgs): PicklistEvent {
    return toPicklistEvent(event);
  }

  @Authorized('orders:read')
  @Subscription(() => OrderEvent, {
    description: 'Order status changes (no customer data).',
    subscribe: ({ args, context }) => {
      checkScopes(context as GatewayContext, ['orders:read'], 'Subscription.orderStatusChanged');
      const status = (args as OrderStatusChangedArgs).status ?? null;
      return bus(context).subscribe({
        topic: 'orderStatusChanged',
        filter: (e) => status === null || e.payload.status === status,
      });
    },
  })
  orderStatusChanged(@Root() event: GatewayEventOf<'orderStatusChanged'>, @Args() _args: OrderStatusChangedArgs): OrderEvent {
    return toOrderEvent(event);
  }

  @Authorized('stock:read')
  @Subscription(() => ChannelStockEvent, {
    description: 'Available stock changes at Shopify locations.',
    subscribe: ({ args, context }) => {
      checkScopes(context as GatewayContext, ['stock:read'], 'Subscription.channelStockChanged');
      const locationId = (args as ChannelStockChangedArgs).locationId ?? null;
      return bus(context).subscribe({
        topic: 'channelStockChanged',
        filter: (e) => locationId === null || e.payload.locationId === String(locationId),
      });
    },
  })
  channelStockChanged(@Root() event: GatewayEventOf<'channelStockChanged'>, @Args() _args: ChannelStockChangedArgs): ChannelStockEvent {
    return toChannelStockEvent(event);
  }
}

function bus(context: unknown): EventBus {
  const events = (context as EventsContext | undefined)?.services?.events as EventServices | undefined;
  // A wiring fault, not the client's: the gateway was assembled without the event services.
  if (!events?.bus) throw new Error('Subscriptions are unavailable: context.services.events is not set up.');
  return events.bus;
}

function validAfter(after: unknown): string | undefined {
  if (after === null || after === undefined) return undefined;
  if (!isEventId(after)) {
    throw new BadUserInputError(
      `after must be an event id like "1767225600000-0" (the id of an event you received), got ${JSON.stringify(String(after).slice(0, 40))}.`,
      'after',
    );
  }
  return after;
}
