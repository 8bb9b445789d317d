import type { Loaders } from '../datasources/loaders';
import { BadUserInputError } from '../errors';
import type { ChannelDriftRow, ChannelSyncResult } from './channel-rows';
import { selectChannels, type ChannelName } from './channels';
import { lightspeedDrift, lightspeedSync } from './lightspeed-stock';
import { checkProductcodes } from './stock-pairs';
import { findStockDrift } from './stock-drift';
import { syncFreeStock } from './sync-free-stock';

/**
 * Drift and the stock push over every selected channel (`stockDrift`, `syncFreeStock`, and the
 * automatic sync): Shopify's per-location rules (stock-drift.ts, sync-free-stock.ts) and the
 * Lightspeed webshop's (lightspeed-stock.ts), side by side, answered as one list of rows each
 * naming its channel. A channel that fails fails the whole answer: a partial push would report
 * success for a shop that was never written.
 */

export async function findChannelDrift(
  loaders: Loaders,
  productcodes: string[],
  threshold: number,
  channels?: readonly ChannelName[] | null,
): Promise<ChannelDriftRow[]> {
  checkProductcodes(productcodes);
  if (!Number.isInteger(threshold) || threshold < 0) throw new BadUserInputError(`Argument "threshold" must be 0 or more, got ${threshold}.`, 'threshold');
  const selected = selectChannels(loaders, channels);
  const parts = await Promise.all(
    selected.map(async (c): Promise<ChannelDriftRow[]> => {
      if (c === 'LIGHTSPEED') return lightspeedDrift(loaders, productcodes, threshold);
      const rows = await findStockDrift(loaders, productcodes, threshold);
      return rows.map((r) => ({ ...r, channel: 'SHOPIFY', warehouseIds: [r.warehouseId], available: r.shopifyAvailable }));
    }),
  );
  return parts.flat();
}

export async function syncChannels(loaders: Loaders, productcodes: string[], channels?: readonly ChannelName[] | null): Promise<ChannelSyncResult> {
  checkProductcodes(productcodes);
  const selected = selectChannels(loaders, channels);
  const parts = await Promise.all(
    selected.map(async (c): Promise<ChannelSyncResult> => {
      if (c === 'LIGHTSPEED') return lightspeedSync(loaders, productcodes);
      const r = await syncFreeStock(loaders, productcodes);
      return {
        changed: r.changed.map((x) => ({ ...x, channel: 'SHOPIFY', warehouseIds: [x.warehouseId] })),
        unchanged: r.unchanged,
        skipped: r.skipped.map((x) => ({ ...x, channel: 'SHOPIFY' })),
        mutations: r.mutations,
      };
    }),
  );
  return {
    changed: parts.flatMap((p) => p.changed),
    unchanged: parts.reduce((n, p) => n + p.unchanged, 0),
    skipped: parts.flatMap((p) => p.skipped),
    mutations: parts.reduce((n, p) => n + p.mutations, 0),
  };
}
