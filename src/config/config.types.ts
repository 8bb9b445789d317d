import type { BrowserConfig } from './browser-config';
import type { CacheConfig } from './cache-config';
import type { MetricsConfig } from './metrics-config';
import type { TokenEntry } from '../auth/tokens';

/**
 * The configuration every layer reads: built once from the environment by loadConfig
 * (src/config.ts), validated as a whole, then frozen.
 */

export interface PicqerConfig {
  baseUrl: string;
  apiKey: string;
  userAgent: string;
  /** Requests per minute we assume until Picqer's headers say otherwise. */
  rateLimitPerMinute: number;
  webhookSecret?: string;
  registerHooks: boolean;
}

export interface ShopifyConfig {
  baseUrl: string;
  accessToken: string;
  apiVersion: string;
  webhookSecret?: string;
  /** Picqer warehouse id -> Shopify location gid (SHOPIFY_LOCATION_MAP). Empty: stock drift/sync refuse to run. */
  locationMap: Readonly<Record<number, string>>;
}

export interface ExactConfig {
  baseUrl: string;
  division: number;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** Lightspeed Retail X-Series, the till (README "Till sales"): set by LIGHTSPEED_RETAIL_BASE_URL and _TOKEN. */
export interface LightspeedRetailConfig {
  /** e.g. https://{domain_prefix}.retail.lightspeed.app/api/2.0 */
  baseUrl: string;
  token: string;
  /** The OAuth app's client secret that keys X-Signature; the receiver exists only with it. */
  webhookSecret?: string;
  /** Registers of the retailer: the budget is 300 × registers + 50 per 5 minutes. Default 1. */
  registers: number;
  /** Outlet id -> Picqer warehouse id (LIGHTSPEED_STORE_MAP). */
  storeMap: Readonly<Record<string, number>>;
  /** LIGHTSPEED_RETAIL_REGISTER_HOOKS, default false: subscribe the receiver to sale.update at start-up. */
  registerHooks: boolean;
}

/** Lightspeed eCom, the second webshop (README "Lightspeed eCom"): LIGHTSPEED_ECOM_BASE_URL, _LANGUAGE, _API_KEY, _API_SECRET together. */
export interface LightspeedEcomConfig {
  /** Cluster origin, e.g. https://api.webshopapp.com (EU1). */
  baseUrl: string;
  /** Shop language, the first path segment (e.g. "nl"). */
  language: string;
  apiKey: string;
  apiSecret: string;
  webhookSecret?: string;
  /** Picqer warehouses whose free stock, summed, is the webshop's one stock level (LIGHTSPEED_ECOM_WAREHOUSES). Empty: drift/sync refuse to run. */
  warehouses: readonly number[];
  /** The shop's currency (LIGHTSPEED_ECOM_CURRENCY, default EUR). */
  currency: string;
}

export interface Config {
  port: number;
  host: string;
  logLevel: string;
  /** LOG_FORMAT: json, pretty (pino-pretty), or auto (default): pretty when stdout is a terminal outside production with real upstreams. */
  logFormat: 'auto' | 'json' | 'pretty';
  /** SHUTDOWN_DRAIN_MS: /readyz answers 503 this long after SIGTERM before the listener closes. Default 5,000 (0 in sandbox mode and development). */
  shutdownDrainMs: number;
  /** SHUTDOWN_TIMEOUT_MS, default 25,000: SIGTERM to exit, drain included; what is still open then is cut. */
  shutdownTimeoutMs: number;
  /** NODE_ENV=production (what `npm start` sets): then real upstreams need callers (GATEWAY_TOKENS) or AUTH_DISABLED=true. */
  production: boolean;
  /** SANDBOX (true, false, auto): the gateway starts the built-in sandboxes. Unset: auto, except under NODE_ENV=production (src/config/env.ts). */
  sandbox: boolean;
  sandboxPicksPerMinute: number;
  picqer?: PicqerConfig;
  shopify?: ShopifyConfig;
  exact?: ExactConfig;
  lightspeedEcom?: LightspeedEcomConfig;
  lightspeedRetail?: LightspeedRetailConfig;
  redisUrl?: string;
  redisKeyPrefix: string;
  upstreamTimeoutMs: number;
  upstreamDeadlineMs: number;
  /** Share of each rate budget one replica uses alone while Redis is unreachable (0..1]. */
  governorFallbackShare: number;
  /** Slack between admitting a call and the upstream counting it (see README "Rate limits"). */
  governorMarginMs: number;
  /** Picqer's sliding rate window (GOVERNOR_WINDOW_MS, default 60,000; tests shorten it with the sandbox's). */
  governorWindowMs: number;
  publicUrl?: string;
  /** GRAPHIQL, default true: GraphiQL at GET /graphql for browsers. Not tied to NODE_ENV. */
  graphiql: boolean;
  /** INTROSPECTION, default true; false also drops "Did you mean …" suggestions. Not tied to NODE_ENV. */
  introspection: boolean;
  bodyLimitBytes: number;
  /**
   * REQUEST_TIMEOUT_MS, default 15,000: a request (headers and body) must arrive in full within
   * this time or the connection is answered 408 and closed, so a client that announces more body
   * than it sends cannot hold a connection open.
   */
  requestTimeoutMs: number;
  /** How long webhook events stay in the event log (they may carry personal data). */
  eventRetentionMs: number;
  /**
   * EVENT_FANOUT_WINDOW_MS, default 3: how long the event bus waits after an event for others to
   * arrive, so that a burst reaches each subscriber in one socket write (0 = no wait).
   */
  eventFanoutWindowMs: number;
  /** Push Picqer free stock to Shopify on every freeStockChanged event. */
  shopifyAutoSync: boolean;
  /** LIGHTSPEED_AUTO_SYNC: push Picqer free stock to the Lightspeed webshop on every freeStockChanged event. */
  lightspeedAutoSync: boolean;
  /** Product pages (100 each) read at start to index product codes; 0 turns the warm-up off. */
  picqerWarmupPages: number;
  security: SecurityConfig;
  /** The shared entity cache (README "Cache"). */
  cache: CacheConfig;
  /** /metrics: its port or token, and the operation names it reports (README "Metrics"). */
  metrics: MetricsConfig;
  /** Frontends on their own origin: CORS, public and JWT callers, trusted documents, shared APQ (README "Frontends"). */
  browser: BrowserConfig;
}

/** Callers, audit and abuse limits (src/auth, src/security; README "Security and personal data"). */
export interface SecurityConfig {
  /** Callers allowed in, tokens hashed. Empty with authDisabled false outside production: auth off. */
  tokens: readonly TokenEntry[];
  /** AUTH_DISABLED=true: no bearer check even in production (must be explicit). */
  authDisabled: boolean;
  /** AUDIT_LOG: off, stdout, stderr or a file path. Default stdout (off under NODE_ENV=test). */
  auditLog: string;
  /** MAX_QUERY_DEPTH, default 10. */
  maxQueryDepth: number;
  /** MAX_QUERY_COST in estimated upstream calls, default 50. */
  maxQueryCost: number;
  // Bounds on the document as written, checked before any analysis of it (src/security/document-limits.ts).
  /** MAX_QUERY_TOKENS, default 5000: graphql's parser stops past this many tokens. */
  maxQueryTokens: number;
  /** MAX_QUERY_ALIASES, default 50: aliased fields in one document. */
  maxQueryAliases: number;
  /** MAX_QUERY_DIRECTIVES, default 50: directives (@include, @skip, …) in one document. */
  maxQueryDirectives: number;
  /** MAX_QUERY_FRAGMENT_SPREADS, default 100: `...Name` spreads in one document, not expanded. */
  maxQueryFragmentSpreads: number;
  /** RATE_LIMIT_PER_TOKEN_PER_MINUTE, default 600; 0 turns the limit off. */
  rateLimitPerTokenPerMinute: number;
  /** MAX_SUBSCRIPTIONS_PER_CONNECTION, default 100: active subscriptions one graphql-ws socket may hold. */
  maxSubscriptionsPerConnection: number;
}
