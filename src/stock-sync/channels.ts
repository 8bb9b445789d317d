import { requireLoaders, type Loaders } from '../datasources/loaders';
import type { LightspeedLoaders } from '../datasources/lightspeed';
import type { PicqerProductModel } from '../datasources/picqer/model';
import { UpstreamNotConfiguredError } from '../errors';

/**
 * Sales channels as one idea: which shops a request covers, and the rules each shop's stock
 * follows. Shopify keeps stock per location, each mirroring one Picqer warehouse
 * (SHOPIFY_LOCATION_MAP); Lightspeed eCom keeps one stock level per variant, which mirrors the
 * summed free stock of a set of Picqer warehouses (LIGHTSPEED_ECOM_WAREHOUSES).
 */

export type ChannelName = 'SHOPIFY' | 'LIGHTSPEED';

/** Every channel, in the order answers list them. */
export const CHANNELS: readonly ChannelName[] = ['SHOPIFY', 'LIGHTSPEED'];

/** eCom has no locations: the webshop as a whole is the one place its stock is kept. */
export const LIGHTSPEED_LOCATION = Object.freeze({ id: 'lightspeed:webshop', name: 'Lightspeed webshop' });

const UPSTREAM = { SHOPIFY: 'shopify', LIGHTSPEED: 'lightspeed' } as const;

/**
 * The channels a drift check or push covers: the asked ones, each required to be configured
 * (UPSTREAM_NOT_CONFIGURED naming its variables), or, when none are asked, every configured one
 * (and Shopify's error when there is none, as before there were channels).
 */
export function selectChannels(loaders: Loaders, asked: readonly ChannelName[] | null | undefined): ChannelName[] {
  if (asked && asked.length > 0) {
    const unique = CHANNELS.filter((c) => asked.includes(c));
    for (const c of unique) requireLoaders(loaders, UPSTREAM[c]);
    return unique;
  }
  const configured = CHANNELS.filter((c) => loaders[UPSTREAM[c]] !== null);
  if (configured.length === 0) requireLoaders(loaders, 'shopify');
  return configured;
}

/** The Picqer warehouses behind the webshop's stock; UPSTREAM_NOT_CONFIGURED naming LIGHTSPEED_ECOM_WAREHOUSES when none. */
export function lightspeedWarehouses(ls: LightspeedLoaders): readonly number[] {
  if (ls.warehouses.length === 0) throw new UpstreamNotConfiguredError('lightspeed', ['LIGHTSPEED_ECOM_WAREHOUSES']);
  return ls.warehouses;
}

/**
 * Picqer free stock summed over `warehouses`, floored at 0 once: an oversold warehouse (negative
 * free stock) eats into what the others offer, since the webshop's orders draw on all of them.
 */
export function summedFreeStock(p: Pick<PicqerProductModel, 'stock'>, warehouses: readonly number[]): number {
  const sum = p.stock.filter((s) => warehouses.includes(s.idwarehouse)).reduce((n, s) => n + s.freeStock, 0);
  return Math.max(0, sum);
}
