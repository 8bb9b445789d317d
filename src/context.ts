import { randomUUID } from 'node:crypto';
import type { Config } from './config';
import type { Logger } from './logger';
import { CallAccounting } from './datasources/upstream/accounting';
import type { GovernorRegistry, Priority } from './datasources/upstream/governor.types';
import { createLoaders, type Loaders } from './datasources/loaders';
import type { PicqerClient, ProductCodeIndex } from './datasources/picqer';
import type Redis from 'ioredis';
import type { Authenticator } from './auth/authenticator';
import type { ExactClient } from './datasources/exact';
import type { LocationsCache, ShopifyClient } from './datasources/shopify';
import type { Security } from './security';
import type { EventServices } from './events/fanout/event-bus';

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

/** What every resolver gets. Built per request; nothing request-scoped lives at module level. */
export interface GatewayContext {
  requestId: string;
  services: Services;
  accounting: CallAccounting;
  /** Every upstream's loaders for this request; null when not configured, so ask through `requireLoaders`. */
  loaders: Loaders;
  /** The authenticated caller, when auth is on. */
  caller?: { name: string; scopes: ReadonlySet<string> };
}

export function createContext(
  services: Services,
  extra: { requestId?: string; caller?: GatewayContext['caller']; priority?: Priority } = {},
): GatewayContext {
  const accounting = new CallAccounting(extra.priority);
  const loaders = createLoaders(services, accounting);
  return { requestId: extra.requestId ?? randomUUID(), services, accounting, loaders, caller: extra.caller };
}
