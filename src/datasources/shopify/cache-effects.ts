import type { EntityCache } from '../upstream/cache/entity-cache';
import { inventoryItemCacheId } from './loaders';

/**
 * What a Shopify inventory webhook does to the shared cache: the delivery names an inventory item
 * and a location, not a SKU, so the item's SKU is looked up in the cache (written when the variant
 * was cached) and that variant is dropped on every replica. An item never cached has nothing to drop.
 */
export interface ShopifyCacheEffects {
  inventoryChanged(inventoryItemId: string): Promise<void>;
}

export function shopifyCacheEffects({ cache, namespace }: { cache: EntityCache; namespace: string }): ShopifyCacheEffects {
  return {
    async inventoryChanged(inventoryItemId) {
      const [sku] = await cache.peek<string>('shopifyVariant', namespace, [inventoryItemCacheId(inventoryItemId)]);
      if (typeof sku?.value === 'string') await cache.invalidate('shopify', 'shopifyVariant', namespace, [sku.value]);
    },
  };
}
