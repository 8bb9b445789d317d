import { Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../context';
import { BadUserInputError, UpstreamNotConfiguredError } from '../errors';
import { requireLoaders } from '../datasources/loaders';
import { findDrift, planStockSync, type ProductPair, type ShopifyLoaders, type ShopifyLocationModel } from '../datasources/shopify';
import { isValidProductcode, MAX_PRODUCTCODE_LENGTH, MAX_PRODUCTCODES, StockDriftArgs, StockSyncArgs } from '../schema/shopify/productcodes.args';
import { ShopifyLocation } from '../schema/shopify/shopify-location.type';
import { StockDrift } from '../schema/shopify/stock-drift.type';
import { StockSyncResult, type StockSyncSkip } from '../schema/shopify/stock-sync-result.type';

/** Where the shop's locations and stock meet Picqer's: locations, drift, and the stock push. */
@Resolver()
export class ShopifyResolver {
  @Authorized('stock:read')
  @Query(() => [ShopifyLocation], { description: 'Locations of the Shopify shop.' })
  async shopifyLocations(@Ctx() ctx: GatewayContext): Promise<ShopifyLocation[]> {
    return requireLoaders(ctx.loaders, 'shopify').locations();
  }

  @Authorized('stock:read')
  @Query(() => [StockDrift], { description: "Products whose Shopify available quantity differs from Picqer's free stock by more than `threshold` at a mapped location." })
  async stockDrift(@Ctx() ctx: GatewayContext, @Args() { productcodes, threshold }: StockDriftArgs): Promise<StockDrift[]> {
    checkCodes(productcodes);
    if (!Number.isInteger(threshold) || threshold < 0) throw new BadUserInputError(`Argument "threshold" must be 0 or more, got ${threshold}.`, 'threshold');
    const { pairs, shop } = await loadPairs(ctx, productcodes);
    const names = await locationsById(shop);
    return findDrift(pairs, mappedLocations(shop), threshold).map((r) => ({ ...r, location: names(r.locationId) }));
  }

  @Authorized('stock:write')
  @Mutation(() => StockSyncResult, { description: "Sets each variant's available quantity at the mapped location(s) to Picqer's free stock; sends only what differs." })
  async syncFreeStockToShopify(@Ctx() ctx: GatewayContext, @Args() { productcodes }: StockSyncArgs): Promise<StockSyncResult> {
    return syncFreeStock(ctx, productcodes);
  }
}

/**
 * Sets each variant's available quantity at the mapped locations to Picqer's free stock, sending
 * only what differs. The mutation and the automatic sync on freeStockChanged (auto-sync.ts) both
 * run this; the context decides whose budget and priority it uses.
 */
export async function syncFreeStock(ctx: GatewayContext, productcodes: string[]): Promise<StockSyncResult> {
  checkCodes(productcodes);
  const { pairs, shop } = await loadPairs(ctx, productcodes);
  const names = await locationsById(shop);
  const plan = planStockSync(pairs, mappedLocations(shop));
  const result = await shop.setAvailable(plan.quantities, 'correction', productcodes);
  const applied = new Set(result.changes.map((c) => `${c.inventoryItemId}|${c.locationId}`));
  // A batch with a userError is rejected whole (Shopify's all-or-nothing); say why per row.
  const why = new Map<number, string>();
  for (const e of result.userErrors) if (e.field[1] === 'quantities' && e.field[2] !== undefined) why.set(Number(e.field[2]), e.code ?? 'REJECTED');
  const skipped: StockSyncSkip[] = plan.skipped.map((s) => ({ productcode: s.productcode, reason: s.reason, warehouseId: s.warehouseId ?? null }));
  const changed: StockSyncResult['changed'] = [];
  plan.changes.forEach((c, i) => {
    const q = plan.quantities[i]!;
    if (applied.has(`${q.inventoryItemId}|${q.locationId}`)) changed.push({ ...c, location: names(c.locationId) });
    else skipped.push({ productcode: c.productcode, reason: why.get(i) ?? 'NOT_APPLIED', warehouseId: c.warehouseId });
  });
  return { changed, unchanged: plan.unchanged, skipped, mutations: Math.ceil(plan.quantities.length / 250) };
}

function checkCodes(codes: string[]): void {
  if (codes.length > MAX_PRODUCTCODES) {
    throw new BadUserInputError(`Argument "productcodes" takes at most ${MAX_PRODUCTCODES} codes, got ${codes.length}.`, 'productcodes');
  }
  if (!codes.every(isValidProductcode)) {
    throw new BadUserInputError(`Argument "productcodes": each value must be a product code: not blank, at most ${MAX_PRODUCTCODE_LENGTH} characters.`, 'productcodes');
  }
}

function mappedLocations(shop: ShopifyLoaders): ReadonlyMap<number, string> {
  if (shop.locationMap.size === 0) throw new UpstreamNotConfiguredError('shopify', ['SHOPIFY_LOCATION_MAP']);
  return shop.locationMap;
}

/** Picqer product and Shopify variant per code, loaded side by side; the first failure fails the field. */
async function loadPairs(ctx: GatewayContext, codes: string[]): Promise<{ pairs: ProductPair[]; shop: ShopifyLoaders }> {
  const shop = requireLoaders(ctx.loaders, 'shopify');
  mappedLocations(shop);
  const unique = [...new Set(codes)];
  const [picqer, variants] = await Promise.all([requireLoaders(ctx.loaders, 'picqer').productByCode.loadMany(unique), shop.variantBySku.loadMany(unique)]);
  const pairs = unique.map((productcode, i) => ({ productcode, picqer: unwrap(picqer[i]!), variant: unwrap(variants[i]!) }));
  return { pairs, shop };
}

function unwrap<T>(v: T | Error): T {
  if (v instanceof Error) throw v;
  return v;
}

async function locationsById(shop: ShopifyLoaders): Promise<(id: string) => ShopifyLocationModel> {
  const all = await shop.locations();
  const byId = new Map(all.map((l) => [l.id, l]));
  // A mapped location the shop no longer lists still deserves a row; its name says so.
  return (id) => byId.get(id) ?? { id, name: `Unknown location ${id}` };
}
