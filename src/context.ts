import { randomUUID } from 'node:crypto';
import type { Config } from './config';
import { UpstreamNotConfiguredError } from './errors';
import type { Logger } from './logger';
import { CallAccounting } from './datasources/upstream/accounting';
import type { GovernorRegistry, Priority } from './datasources/upstream/governor.types';
import { createPicqerLoaders, type PicqerClient, type PicqerLoaders } from './datasources/picqer';
import type { ProductCodeIndex } from './datasources/picqer/code-index';
import type Redis from 'ioredis';
import type { Authenticator } from './auth/authenticator';
import type { ExactClient } from './datasources/exact/client';
import type { LocationsCache } from './datasources/shopify/locations-cache';
import type { ShopifyClient } from './datasources/shopify/client';
import type { Security } from './security';
import type { EventServices } from './subscriptions/event-bus';

/**
 * Long-lived services, built once at start-up (src/services.ts). An upstream that is not
 * configured is null; its fields resolve to null with UPSTREAM_NOT_CONFIGURED.
 */
export interface Services {
  config: Readonly<Config>;
  logger: Logger;
  governors: GovernorRegistry;
  picqer: PicqerClient | null;
  /** productcode -> idproduct seen in earlier answers, so code lookups batch by id. */
  picqerCodes: ProductCodeIndex;
  shopify: ShopifyClient | null;
  /** The shop's locations, shared across requests for a few minutes. */
  shopifyLocations: LocationsCache;
  exact: ExactClient | null;
  /** The shared Redis connection (REDIS_URL), null for a single in-memory process. */
  redis: Redis | null;
  /** Webhook events: the log and this replica's bus. */
  events: EventServices;
  /** Set by startGateway once security is built; absent in code that builds services alone. */
  auth?: Authenticator;
  security?: Security;
}

export interface Loaders {
  picqer: PicqerLoaders | null;
  [upstream: string]: unknown;
}

/** Builds an upstream's per-request loaders from the services; registered by each upstream. */
export type LoaderFactory = (services: Services, accounting: CallAccounting) => [name: string, loaders: unknown];

/** What every resolver gets. Built per request; nothing request-scoped lives at module level. */
export interface GatewayContext {
  requestId: string;
  services: Services;
  accounting: CallAccounting;
  loaders: Loaders;
  /** The authenticated caller, when auth is on. */
  caller?: { name: string; scopes: ReadonlySet<string> };
}

export function createContext(
  services: Services,
  extra: { requestId?: string; caller?: GatewayContext['caller']; loaderFactories?: LoaderFactory[]; priority?: Priority } = {},
): GatewayContext {
  const accounting = new CallAccounting(extra.priority);
  const loaders: Loaders = { picqer: services.picqer ? createPicqerLoaders(services.picqer, accounting, services.picqerCodes) : null };
  for (const f of extra.loaderFactories ?? []) {
    const [name, l] = f(services, accounting);
    loaders[name] = l;
  }
  return { requestId: extra.requestId ?? randomUUID(), services, accounting, loaders, caller: extra.caller };
}

/** The Picqer loaders, or the UPSTREAM_NOT_CONFIGURED error for this field. */
export function picqerLoaders(ctx: GatewayContext): PicqerLoaders {
  if (!ctx.loaders.picqer) throw new UpstreamNotConfiguredError('picqer', ['PICQER_SUBDOMAIN', 'PICQER_API_KEY']);
  return ctx.loaders.picqer;
}
