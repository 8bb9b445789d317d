import type { ChannelName } from './channels';

/** The rows drift checks and pushes answer, the same for every channel (the schema's StockDrift and StockSyncResult). */

export interface ChannelLocationModel {
  id: string;
  name: string;
}

export interface ChannelDriftRow {
  channel: ChannelName;
  productcode: string;
  /** The first of warehouseIds (the one warehouse for Shopify); kept for the deprecated field. */
  warehouseId: number;
  warehouseIds: number[];
  location: ChannelLocationModel;
  picqerFreeStock: number;
  available: number;
  /** = available; the deprecated field's name. */
  shopifyAvailable: number;
  /** available − picqerFreeStock. */
  difference: number;
}

export interface ChannelSyncResult {
  changed: Array<{
    channel: ChannelName;
    productcode: string;
    warehouseId: number;
    warehouseIds: number[];
    location: ChannelLocationModel;
    from: number;
    to: number;
  }>;
  unchanged: number;
  skipped: Array<{ channel: ChannelName; productcode: string; reason: string; warehouseId: number | null }>;
  /** Write calls made: Shopify inventorySetQuantities (≤ 250 quantities each) plus Lightspeed variant PUTs (one each). */
  mutations: number;
}
