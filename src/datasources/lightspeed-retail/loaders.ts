import DataLoader from 'dataloader';
import { UpstreamError } from '../../errors';
import type { LightspeedRetailClient } from './client';

/**
 * Per-delivery DataLoaders over Lightspeed Retail. A sale's lines name products by id; their SKUs
 * (= Picqer productcodes) are read once per distinct product and in parallel, so a 20-line sale
 * costs one round of lookups inside Lightspeed's 5-second answer window rather than 20 in a row.
 * X-Series has no documented multi-id product filter, so each distinct id is one GET.
 */
export interface LightspeedRetailLoaders {
  /** A product's SKU, or null when it has none or Lightspeed does not know the product (404). */
  skuByProductId: DataLoader<string, string | null>;
}

export function createLightspeedRetailLoaders(client: LightspeedRetailClient): LightspeedRetailLoaders {
  const skuByProductId = new DataLoader<string, string | null>(async (ids) =>
    Promise.all(
      ids.map(async (id) => {
        try {
          const p = await client.getProduct(id, { priority: 'live' });
          return typeof p.sku === 'string' && p.sku.trim() !== '' ? p.sku : null;
        } catch (err) {
          if (err instanceof UpstreamError && err.status === 404) return null;
          return err instanceof Error ? err : new Error(String(err));
        }
      }),
    ),
  );
  return { skuByProductId };
}
