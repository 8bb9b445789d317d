import type { GatewayEventOf } from '../../events/log/event.types';
import { OrderStatus, PicklistStatus } from '../enums';
import { SalesChannel } from '../channels/sales-channel.enum';
import { ChannelStockEvent } from './channel-stock-event.type';
import { OrderEvent } from './order-event.type';
import { PicklistEvent } from './picklist-event.type';
import { StockChangeEvent } from './stock-change-event.type';

/** Log events -> schema objects. Pure; the subscription resolver calls these per delivered event. */

/**
 * With a warehouse filter the screen watches one warehouse, so `freeStock` is that warehouse's;
 * without one it is the sum the receiver computed.
 */
export function toStockChangeEvent(e: GatewayEventOf<'freeStockChanged'>, warehouseId: number | null): StockChangeEvent {
  const p = e.payload;
  const row = warehouseId === null ? undefined : p.stock.find((s) => s.warehouseId === warehouseId);
  return Object.assign(new StockChangeEvent(), {
    id: e.id,
    productcode: p.productcode,
    idproduct: p.idproduct,
    warehouseId: row ? warehouseId : null,
    freeStock: row ? row.freeStock : p.freeStock,
    stock: p.stock.map((s) => ({ ...s })),
    occurredAt: p.occurredAt,
  });
}

export function toPicklistEvent(e: GatewayEventOf<'picklistClosed'>): PicklistEvent {
  const p = e.payload;
  return Object.assign(new PicklistEvent(), {
    id: e.id,
    picklistid: p.picklistid,
    idpicklist: p.idpicklist,
    warehouseId: p.warehouseId,
    status: p.status as PicklistStatus,
    closedAt: p.closedAt,
    idorder: p.idorder,
  });
}

export function toOrderEvent(e: GatewayEventOf<'orderStatusChanged'>): OrderEvent {
  const p = e.payload;
  return Object.assign(new OrderEvent(), { id: e.id, idorder: p.idorder, orderid: p.orderid, status: p.status as OrderStatus });
}

export function toChannelStockEvent(e: GatewayEventOf<'channelStockChanged'>): ChannelStockEvent {
  const p = e.payload;
  return Object.assign(new ChannelStockEvent(), {
    id: e.id,
    // Events logged before channels existed are Shopify's: it was the only channel.
    channel: p.channel ?? SalesChannel.SHOPIFY,
    sku: p.sku,
    inventoryItemId: p.inventoryItemId,
    locationId: p.locationId,
    available: p.available,
    occurredAt: p.occurredAt,
  });
}
