import { loadTokenEntries, type TokenEntry } from './auth/tokens';
import type { Config, ExactConfig, LightspeedEcomConfig, PicqerConfig, SecurityConfig, ShopifyConfig } from './config/config.types';
import { browserConfig, browserProblems } from './config/browser-config';
import { cacheConfig, cacheProblems } from './config/cache-config';
import { metricsConfig, metricsProblems } from './config/metrics-config';
import { readEnv, type Env } from './config/env';
import { parseLocationMap } from './config/location-map';
import { lightspeedRetailConfig, lightspeedRetailProblems } from './config/lightspeed-retail-config';

export type { Config, ExactConfig, PicqerConfig, SecurityConfig, ShopifyConfig } from './config/config.types';
export type { LightspeedEcomConfig } from './config/config.types';
export type { LightspeedRetailConfig } from './config/config.types';

/**
 * Environment -> validated, frozen Config. The only module that reads process.env.
 * Every problem is reported at once, each naming the variable and what is expected, so a
 * bad deployment fails at start-up with one readable message.
 *
 * The steps: read and convert each variable (config/env.ts), parse the structured ones (location
 * map, callers), check the variables that depend on each other, then build the Config section
 * by section with the documented defaults.
 */

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates configuration; throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const { values: e, problems } = readEnv(env);
  const locationMap = parseLocationMap(e.SHOPIFY_LOCATION_MAP ?? '');
  const callers = loadTokenEntries(e.GATEWAY_TOKENS, e.GATEWAY_TOKENS_FILE);
  problems.push(
    ...locationMap.problems,
    ...pairProblems(e),
    ...lightspeedEcomProblems(e),
    ...callers.problems,
    ...productionProblems(e, callers.entries.length > 0 || callers.problems.length > 0 || e.JWKS_URL !== undefined || e.PUBLIC_ACCESS === true),
    ...hookProblems(e),
    ...upstreamProblems(e),
    ...shutdownProblems(e),
    ...cacheProblems(e),
    ...metricsProblems(e),
    ...lightspeedRetailProblems(e),
    ...browserProblems(e),
  );
  if (problems.length) throw new ConfigError(problems);
  return deepFreeze(buildConfig(e, { locationMap: locationMap.map, tokens: callers.entries }));
}

/** Variables that only mean something together. */
function pairProblems(e: Env): string[] {
  const problems: string[] = [];
  const pairs = [
    ['PICQER_SUBDOMAIN', 'PICQER_API_KEY'],
    ['SHOPIFY_SHOP', 'SHOPIFY_ACCESS_TOKEN'],
  ] as const;
  for (const [a, b] of pairs) {
    if (Boolean(e[a]) !== Boolean(e[b])) problems.push(`${e[a] ? b : a} must be set together with ${e[a] ? a : b}`);
  }
  const exactVars = ['EXACT_DIVISION', 'EXACT_CLIENT_ID', 'EXACT_CLIENT_SECRET', 'EXACT_REFRESH_TOKEN'] as const;
  const exactSet = exactVars.filter((k) => e[k] !== undefined);
  if (exactSet.length > 0 && exactSet.length < exactVars.length) {
    problems.push(`Exact Online needs all of ${exactVars.join(', ')}; missing ${exactVars.filter((k) => e[k] === undefined).join(', ')}`);
  }
  return problems;
}

/** Lightspeed eCom's four connection variables only mean something together. */
function lightspeedEcomProblems(e: Env): string[] {
  const vars = ['LIGHTSPEED_ECOM_BASE_URL', 'LIGHTSPEED_ECOM_LANGUAGE', 'LIGHTSPEED_ECOM_API_KEY', 'LIGHTSPEED_ECOM_API_SECRET'] as const;
  const set = vars.filter((k) => e[k] !== undefined);
  if (set.length > 0 && set.length < vars.length) {
    return [`Lightspeed eCom needs all of ${vars.join(', ')}; missing ${vars.filter((k) => e[k] === undefined).join(', ')}`];
  }
  // The push has nowhere to go, or nothing to push from: say so at start, not once per event.
  if (e.LIGHTSPEED_AUTO_SYNC === true && (set.length === 0 || !e.LIGHTSPEED_ECOM_WAREHOUSES)) {
    return [`LIGHTSPEED_AUTO_SYNC=true needs Lightspeed eCom (${vars.join(', ')}) and LIGHTSPEED_ECOM_WAREHOUSES`];
  }
  return [];
}

/** Production with real upstreams must name its callers, or say explicitly that it runs without. */
function productionProblems(e: Env, callersGiven: boolean): string[] {
  const sandbox = e.SANDBOX ?? !e.PICQER_API_KEY;
  if (e.NODE_ENV !== 'production' || sandbox || callersGiven || e.AUTH_DISABLED === true) return [];
  return ['GATEWAY_TOKENS or GATEWAY_TOKENS_FILE must be set in production; to run without authentication set AUTH_DISABLED=true explicitly'];
}

/**
 * Production without a single upstream's credentials is a deployment that lost its secrets: it
 * refuses to start rather than serve the sandboxes' invented data (env.ts resolves SANDBOX).
 */
function upstreamProblems(e: Env): string[] {
  if (e.NODE_ENV !== 'production' || e.SANDBOX) return [];
  const anyUpstream = e.PICQER_API_KEY || e.SHOPIFY_ACCESS_TOKEN || e.EXACT_CLIENT_ID || e.LIGHTSPEED_ECOM_API_KEY || e.LIGHTSPEED_RETAIL_TOKEN;
  if (anyUpstream) return [];
  return [
    "PICQER_SUBDOMAIN and PICQER_API_KEY (or another upstream's credentials) must be set when NODE_ENV=production; to run the built-in sandboxes with invented data set SANDBOX=true",
  ];
}

/** The drain is the first part of the shutdown, so it must end before the deadline does. */
function shutdownProblems(e: Env): string[] {
  const { drain, timeout } = shutdownTimes(e);
  return drain < timeout ? [] : [`SHUTDOWN_DRAIN_MS (${drain}) must be less than SHUTDOWN_TIMEOUT_MS (${timeout}): the drain is part of the shutdown`];
}

/**
 * SHUTDOWN_DRAIN_MS: how long /readyz answers 503 before the listener closes, so load balancers
 * stop sending traffic first. Default 5 s with real upstreams in production, 0 in sandbox mode and
 * development (a Ctrl-C there has no load balancer to wait for). SHUTDOWN_TIMEOUT_MS, default 25 s
 * (under Kubernetes' 30 s grace period): SIGTERM to exit, drain included.
 */
function shutdownTimes(e: Env): { drain: number; timeout: number } {
  return { drain: e.SHUTDOWN_DRAIN_MS ?? (e.NODE_ENV === 'production' && !e.SANDBOX ? 5_000 : 0), timeout: e.SHUTDOWN_TIMEOUT_MS ?? 25_000 };
}

/**
 * Hooks must point where Picqer can reach us; the listening address (often 127.0.0.1) is not
 * that, and registering it would create dead hooks in the real account. A Picqer on this
 * machine (the sandbox) can reach the listening address, so it is exempt.
 */
function hookProblems(e: Env): string[] {
  if (e.PICQER_REGISTER_HOOKS !== true || !e.PICQER_API_KEY || e.SANDBOX === true) return [];
  const problems: string[] = [];
  const loopbackPicqer = e.PICQER_BASE_URL !== undefined && /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:|\/|$)/.test(e.PICQER_BASE_URL);
  if (!e.PUBLIC_URL && !loopbackPicqer) {
    problems.push('PUBLIC_URL must be set when PICQER_REGISTER_HOOKS=true: the address Picqer posts webhooks to');
  }
  if (!e.PICQER_WEBHOOK_SECRET) {
    problems.push('PICQER_WEBHOOK_SECRET must be set when PICQER_REGISTER_HOOKS=true: Picqer signs deliveries with it');
  }
  return problems;
}

/** The Config from values that passed every check, with the documented defaults. */
function buildConfig(e: Env, parsed: { locationMap: ReadonlyMap<number, string>; tokens: readonly TokenEntry[] }): Config {
  const production = e.NODE_ENV === 'production';
  return {
    port: e.PORT ?? 4000,
    host: e.HOST ?? '127.0.0.1',
    logLevel: e.LOG_LEVEL ?? 'info',
    logFormat: (e.LOG_FORMAT ?? 'auto') as Config['logFormat'],
    shutdownDrainMs: shutdownTimes(e).drain,
    shutdownTimeoutMs: shutdownTimes(e).timeout,
    production,
    sandbox: e.SANDBOX ?? !e.PICQER_API_KEY,
    sandboxPicksPerMinute: e.SANDBOX_SIMULATOR_PICKS_PER_MINUTE ?? 30,
    picqer: picqerConfig(e),
    shopify: shopifyConfig(e, parsed.locationMap),
    exact: exactConfig(e),
    lightspeedEcom: lightspeedEcomConfig(e),
    lightspeedRetail: lightspeedRetailConfig(e),
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX ?? 'pgw:',
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS ?? 10_000,
    upstreamDeadlineMs: e.UPSTREAM_DEADLINE_MS ?? 15_000,
    governorFallbackShare: (e.GOVERNOR_FALLBACK_PERCENT ?? 25) / 100,
    governorMarginMs: e.GOVERNOR_MARGIN_MS ?? 250,
    governorWindowMs: e.GOVERNOR_WINDOW_MS ?? 60_000,
    publicUrl: e.PUBLIC_URL,
    // Each its own switch, not NODE_ENV's: `npm start` always runs in production mode (for graphql's
    // and Fastify's speed), sandbox mode included, and a newcomer there still gets GraphiQL.
    graphiql: e.GRAPHIQL ?? true,
    introspection: e.INTROSPECTION ?? true,
    bodyLimitBytes: e.BODY_LIMIT_BYTES ?? 1_048_576,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS ?? 15_000,
    eventRetentionMs: (e.EVENT_RETENTION_HOURS ?? 24) * 3_600_000,
    eventFanoutWindowMs: e.EVENT_FANOUT_WINDOW_MS ?? 3,
    shopifyAutoSync: e.SHOPIFY_AUTO_SYNC ?? false,
    lightspeedAutoSync: e.LIGHTSPEED_AUTO_SYNC ?? false,
    picqerWarmupPages: e.PICQER_WARMUP_PAGES ?? 50,
    security: securityConfig(e, parsed.tokens),
    cache: cacheConfig(e),
    metrics: metricsConfig(e),
    browser: browserConfig(e, e.SANDBOX ?? !e.PICQER_API_KEY),
  };
}

/** Picqer, when its API key is set (checked together with the subdomain). */
function picqerConfig(e: Env): PicqerConfig | undefined {
  if (!e.PICQER_API_KEY) return undefined;
  return {
    baseUrl: e.PICQER_BASE_URL ?? `https://${e.PICQER_SUBDOMAIN}.picqer.com/api/v1`,
    apiKey: e.PICQER_API_KEY,
    userAgent: e.PICQER_USER_AGENT ?? 'PicqerGateway/0.1 (+https://github.com/picqer-gateway)',
    rateLimitPerMinute: e.PICQER_RATE_LIMIT ?? 500,
    webhookSecret: e.PICQER_WEBHOOK_SECRET,
    registerHooks: e.PICQER_REGISTER_HOOKS ?? false,
  };
}

/** Shopify, when its access token is set (checked together with the shop name). */
function shopifyConfig(e: Env, locationMap: ReadonlyMap<number, string>): ShopifyConfig | undefined {
  if (!e.SHOPIFY_ACCESS_TOKEN) return undefined;
  return {
    baseUrl: e.SHOPIFY_BASE_URL ?? `https://${e.SHOPIFY_SHOP}.myshopify.com`,
    accessToken: e.SHOPIFY_ACCESS_TOKEN,
    apiVersion: e.SHOPIFY_API_VERSION ?? '2026-10',
    webhookSecret: e.SHOPIFY_WEBHOOK_SECRET,
    locationMap: Object.fromEntries(locationMap),
  };
}

/** Exact Online, when its client id is set (pairProblems made sure the other three are too). */
function exactConfig(e: Env): ExactConfig | undefined {
  if (!e.EXACT_CLIENT_ID) return undefined;
  return {
    baseUrl: e.EXACT_BASE_URL ?? 'https://start.exactonline.nl',
    division: e.EXACT_DIVISION!,
    clientId: e.EXACT_CLIENT_ID,
    clientSecret: e.EXACT_CLIENT_SECRET!,
    refreshToken: e.EXACT_REFRESH_TOKEN!,
  };
}

/** Lightspeed eCom, when its API key is set (lightspeedEcomProblems made sure the other three are too). */
function lightspeedEcomConfig(e: Env): LightspeedEcomConfig | undefined {
  if (!e.LIGHTSPEED_ECOM_API_KEY) return undefined;
  return {
    baseUrl: e.LIGHTSPEED_ECOM_BASE_URL!,
    language: e.LIGHTSPEED_ECOM_LANGUAGE!,
    apiKey: e.LIGHTSPEED_ECOM_API_KEY,
    apiSecret: e.LIGHTSPEED_ECOM_API_SECRET!,
    webhookSecret: e.LIGHTSPEED_ECOM_WEBHOOK_SECRET,
    warehouses: [
      ...new Set(
        (e.LIGHTSPEED_ECOM_WAREHOUSES ?? '')
          .split(',')
          .filter((s) => s.trim() !== '')
          .map(Number),
      ),
    ],
    currency: e.LIGHTSPEED_ECOM_CURRENCY ?? 'EUR',
  };
}

function securityConfig(e: Env, tokens: readonly TokenEntry[]): SecurityConfig {
  return {
    tokens,
    authDisabled: e.AUTH_DISABLED ?? false,
    // Jest sets NODE_ENV=test on the process; a test that passes its own env is still a test,
    // and its audit lines would only clutter the runner's output.
    auditLog: e.AUDIT_LOG ?? ((e.NODE_ENV ?? process.env.NODE_ENV) === 'test' ? 'off' : 'stdout'),
    maxQueryDepth: e.MAX_QUERY_DEPTH ?? 10,
    maxQueryCost: e.MAX_QUERY_COST ?? 50,
    maxQueryTokens: e.MAX_QUERY_TOKENS ?? 5000,
    maxQueryAliases: e.MAX_QUERY_ALIASES ?? 50,
    maxQueryDirectives: e.MAX_QUERY_DIRECTIVES ?? 50,
    maxQueryFragmentSpreads: e.MAX_QUERY_FRAGMENT_SPREADS ?? 100,
    rateLimitPerTokenPerMinute: e.RATE_LIMIT_PER_TOKEN_PER_MINUTE ?? 600,
    maxSubscriptionsPerConnection: e.MAX_SUBSCRIPTIONS_PER_CONNECTION ?? 100,
  };
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
