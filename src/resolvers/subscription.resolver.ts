import { Args, Authorized, Resolver, Root, Subscription } from 'type-graphql';
import { checkScopes } from '../auth/auth-checker';
import type { GatewayContext } from '../context';
import { BadUserInputError } from '../errors';
import { ChannelStockChangedArgs } from '../schema/events/channel-stock-changed.args';
import { ChannelStockEvent } from '../schema/events/channel-stock-event.type';
import { toChannelStockEvent, toOrderEvent, toPicklistEvent, toStockChangeEvent } from '../schema/events/event.map';
import { validateArgsAs } from '../schema/common/args-validation';
import { FreeStockChangedArgs } from '../schema/events/free-stock-changed.args';
import { OrderEvent } from '../schema/events/order-event.type';
import { OrderStatusChangedArgs } from '../schema/events/order-status-changed.args';
import { PicklistClosedArgs } from '../schema/events/picklist-closed.args';
import { PicklistEvent } from '../schema/events/picklist-event.type';
import { StockChangeEvent } from '../schema/events/stock-change-event.type';
import type { EventBus } from '../events/fanout/event-bus';
import { isEventId } from '../events/log/event-id';
import type { GatewayEventOf } from '../events/log/event.types';

/**
 * The scope of each subscription, declared once: `@Authorized` uses it for each event, and
 * `openBus` checks it before the subscription opens (type-graphql's check runs only per event).
 */
const SCOPES = {
  freeStockChanged: 'stock:read',
  picklistClosed: 'stock:read',
  orderStatusChanged: 'orders:read',
  channelStockChanged: 'stock:read',
} as const;

/**
 * Upstream webhooks as GraphQL subscriptions. `subscribe` opens a bus iterator with the filter
 * (filters run on the server, so a client only receives what it asked for); each method then maps
 * one delivered log event to its schema type.
 */
@Resolver()
export class SubscriptionResolver {
  @Authorized(SCOPES.freeStockChanged)
  @Subscription(() => StockChangeEvent, {
    description: 'Free stock changes in the warehouse. Pass the last seen event id as `after` to resume without gaps.',
    subscribe: ({ args, context }) => {
      const events = openBus(context, 'freeStockChanged'); // the scope first, then the arguments
      // type-graphql validates arguments of resolver methods only, not of `subscribe`.
      const a = validateArgsAs(FreeStockChangedArgs, args);
      const after = validAfter(a.after);
      if (a.productcodes && a.productcodes.length === 0) {
        throw new BadUserInputError('Argument "productcodes" must list at least one product code; omit it to get every product.', 'productcodes');
      }
      const codes = a.productcodes ? new Set(a.productcodes) : null;
      const warehouseId = a.warehouseId ?? null;
      return events.subscribe({
        topic: 'freeStockChanged',
        after,
        filter: (e) =>
          (codes === null || codes.has(e.payload.productcode)) && (warehouseId === null || e.payload.stock.some((s) => s.warehouseId === warehouseId)),
      });
    },
  })
  freeStockChanged(@Root() event: GatewayEventOf<'freeStockChanged'>, @Args() args: FreeStockChangedArgs): StockChangeEvent {
    return toStockChangeEvent(event, args.warehouseId ?? null);
  }

  @Authorized(SCOPES.picklistClosed)
  @Subscription(() => PicklistEvent, {
    description: 'Picklists closed in the warehouse.',
    subscribe: ({ args, context }) => {
      const warehouseId = (args as PicklistClosedArgs).warehouseId ?? null;
      return openBus(context, 'picklistClosed').subscribe({
        topic: 'picklistClosed',
        filter: (e) => warehouseId === null || e.payload.warehouseId === warehouseId,
      });
    },
  })
  picklistClosed(@Root() event: GatewayEventOf<'picklistClosed'>, @Args() _args: PicklistClosedArgs): PicklistEvent {
    return toPicklistEvent(event);
  }

  @Authorized(SCOPES.orderStatusChanged)
  @Subscription(() => OrderEvent, {
    description: 'Order status changes (no customer data).',
    subscribe: ({ args, context }) => {
      const status = (args as OrderStatusChangedArgs).status ?? null;
      return openBus(context, 'orderStatusChanged').subscribe({
        topic: 'orderStatusChanged',
        filter: (e) => status === null || e.payload.status === status,
      });
    },
  })
  orderStatusChanged(@Root() event: GatewayEventOf<'orderStatusChanged'>, @Args() _args: OrderStatusChangedArgs): OrderEvent {
    return toOrderEvent(event);
  }

  @Authorized(SCOPES.channelStockChanged)
  @Subscription(() => ChannelStockEvent, {
    description: 'Available stock changes at Shopify locations.',
    subscribe: ({ args, context }) => {
      const locationId = (args as ChannelStockChangedArgs).locationId ?? null;
      return openBus(context, 'channelStockChanged').subscribe({
        topic: 'channelStockChanged',
        filter: (e) => locationId === null || e.payload.locationId === String(locationId),
      });
    },
  })
  channelStockChanged(@Root() event: GatewayEventOf<'channelStockChanged'>, @Args() _args: ChannelStockChangedArgs): ChannelStockEvent {
    return toChannelStockEvent(event);
  }
}

function openBus(context: unknown, field: keyof typeof SCOPES): EventBus {
  const ctx = context as GatewayContext;
  checkScopes(ctx, [SCOPES[field]], `Subscription.${field}`);
  // A wiring fault, not the client's: the gateway was assembled without the event services.
  if (!ctx.services?.events?.bus) throw new Error('Subscriptions are unavailable: context.services.events is not set up.');
  return ctx.services.events.bus;
}

function validAfter(after: unknown): string | undefined {
  if (after === null || after === undefined) return undefined;
  if (!isEventId(after)) {
    // The value is not quoted back: it is the caller's text, of any length.
    throw new BadUserInputError('Argument "after" must be an event id like "1767225600000-0" (the id of an event you received).', 'after');
  }
  return after;
}
