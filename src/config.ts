import 'reflect-metadata';
import { plainToInstance } from './util/plain';
import { loadTokenEntries, type TokenEntry } from './auth/tokens';
import { parseLocationMap } from './datasources/shopify/location-map';
import {
  IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync,
  type ValidationError,
} from 'class-validator';

/**
 * Environment -> validated, frozen Config. The only module that reads process.env.
 * Every problem is reported at once, each naming the variable and what is expected, so a
 * bad deployment fails at start-up with one readable message.
 */

class Env {
  @IsOptional() @IsInt() @Min(0) @Max(65535) PORT?: number;
  @IsOptional() @IsString() HOST?: string;
  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL?: string;
  @IsOptional() @IsIn(['development', 'production', 'test']) NODE_ENV?: string;

  // Picqer
  @IsOptional() @Matches(/^[a-z0-9-]+$/i, { message: 'PICQER_SUBDOMAIN must be the account name, e.g. "myshop" for myshop.picqer.com' })
  PICQER_SUBDOMAIN?: string;
  @IsOptional() @IsString() @MinLength(8) PICQER_API_KEY?: string;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) PICQER_BASE_URL?: string;
  @IsOptional() @IsString() @MinLength(3) PICQER_USER_AGENT?: string;
  @IsOptional() @IsInt() @Min(1) @Max(100000) PICQER_RATE_LIMIT?: number;
  @IsOptional() @IsString() @MinLength(16) PICQER_WEBHOOK_SECRET?: string;
  @IsOptional() @IsBoolean() PICQER_REGISTER_HOOKS?: boolean;
  @IsOptional() @IsInt() @Min(1) @Max(720) EVENT_RETENTION_HOURS?: number;
  @IsOptional() @IsInt() @Min(0) @Max(100) EVENT_FANOUT_WINDOW_MS?: number;
  @IsOptional() @IsInt() @Min(0) @Max(1000) PICQER_WARMUP_PAGES?: number;
  @IsOptional() @IsBoolean() SHOPIFY_AUTO_SYNC?: boolean;

  // Shopify
  @IsOptional() @Matches(/^[a-z0-9][a-z0-9-]*$/i, { message: 'SHOPIFY_SHOP must be the shop name, e.g. "myshop" for myshop.myshopify.com' })
  SHOPIFY_SHOP?: string;
  @IsOptional() @IsString() @MinLength(8) SHOPIFY_ACCESS_TOKEN?: string;
  @IsOptional() @Matches(/^(\d{4}-(01|04|07|10)|unstable)$/, { message: 'SHOPIFY_API_VERSION must look like 2026-10' })
  SHOPIFY_API_VERSION?: string;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) SHOPIFY_BASE_URL?: string;
  @IsOptional() @IsString() @MinLength(16) SHOPIFY_WEBHOOK_SECRET?: string;
  /** Picqer warehouse -> Shopify location, e.g. "1=gid://shopify/Location/1,2=gid://shopify/Location/2". */
  @IsOptional() @IsString() SHOPIFY_LOCATION_MAP?: string;

  // Exact Online
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) EXACT_BASE_URL?: string;
  @IsOptional() @IsInt() @Min(1) EXACT_DIVISION?: number;
  @IsOptional() @IsString() @MinLength(8) EXACT_CLIENT_ID?: string;
  @IsOptional() @IsString() @MinLength(8) EXACT_CLIENT_SECRET?: string;
  @IsOptional() @IsString() @MinLength(8) EXACT_REFRESH_TOKEN?: string;

  // Shared state
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['redis', 'rediss'] }) REDIS_URL?: string;
  @IsOptional() @Matches(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'REDIS_KEY_PREFIX must be 1-64 of A-Z a-z 0-9 : _ -' })
  REDIS_KEY_PREFIX?: string;

  // Upstream calls
  @IsOptional() @IsInt() @Min(100) @Max(120000) UPSTREAM_TIMEOUT_MS?: number;
  @IsOptional() @IsInt() @Min(100) @Max(300000) UPSTREAM_DEADLINE_MS?: number;
  @IsOptional() @IsInt() @Min(1) @Max(100) GOVERNOR_FALLBACK_PERCENT?: number;
  @IsOptional() @IsInt() @Min(0) @Max(5000) GOVERNOR_MARGIN_MS?: number;
  @IsOptional() @IsInt() @Min(1000) @Max(3600000) GOVERNOR_WINDOW_MS?: number;

  // Public surface
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) PUBLIC_URL?: string;
  @IsOptional() @IsBoolean() GRAPHIQL?: boolean;
  @IsOptional() @IsBoolean() INTROSPECTION?: boolean;
  @IsOptional() @IsInt() @Min(1024) @Max(10485760) BODY_LIMIT_BYTES?: number;
  @IsOptional() @IsInt() @Min(100) @Max(300000) REQUEST_TIMEOUT_MS?: number;

  // Callers and abuse limits (src/auth, src/security)
  @IsOptional() @IsString() GATEWAY_TOKENS?: string;
  @IsOptional() @IsString() GATEWAY_TOKENS_FILE?: string;
  @IsOptional() @IsBoolean() AUTH_DISABLED?: boolean;
  @IsOptional() @Matches(/^(off|stdout|stderr|\/.+|\.{1,2}\/.+)$/, { message: 'AUDIT_LOG must be off, stdout, stderr or a file path starting with / or ./' })
  AUDIT_LOG?: string;
  @IsOptional() @IsInt() @Min(1) @Max(100) MAX_QUERY_DEPTH?: number;
  @IsOptional() @IsInt() @Min(1) @Max(100000) MAX_QUERY_COST?: number;
  @IsOptional() @IsInt() @Min(100) @Max(100000) MAX_QUERY_TOKENS?: number;
  @IsOptional() @IsInt() @Min(0) @Max(10000) MAX_QUERY_ALIASES?: number;
  @IsOptional() @IsInt() @Min(0) @Max(10000) MAX_QUERY_DIRECTIVES?: number;
  @IsOptional() @IsInt() @Min(0) @Max(10000) MAX_QUERY_FRAGMENT_SPREADS?: number;
  @IsOptional() @IsInt() @Min(0) @Max(1000000) RATE_LIMIT_PER_TOKEN_PER_MINUTE?: number;
  @IsOptional() @IsInt() @Min(1) @Max(10000) MAX_SUBSCRIPTIONS_PER_CONNECTION?: number;

  // Sandbox mode
  @IsOptional() @IsBoolean() SANDBOX?: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(10000) SANDBOX_SIMULATOR_PICKS_PER_MINUTE?: number;
}

const NUMBER_VARS = new Set([
  'PORT', 'PICQER_RATE_LIMIT', 'EXACT_DIVISION', 'UPSTREAM_TIMEOUT_MS', 'UPSTREAM_DEADLINE_MS',
  'GOVERNOR_FALLBACK_PERCENT', 'GOVERNOR_MARGIN_MS', 'GOVERNOR_WINDOW_MS',
  'BODY_LIMIT_BYTES', 'REQUEST_TIMEOUT_MS', 'SANDBOX_SIMULATOR_PICKS_PER_MINUTE',
  'MAX_QUERY_DEPTH', 'MAX_QUERY_COST', 'MAX_QUERY_TOKENS', 'MAX_QUERY_ALIASES', 'MAX_QUERY_DIRECTIVES', 'MAX_QUERY_FRAGMENT_SPREADS',
  'RATE_LIMIT_PER_TOKEN_PER_MINUTE', 'EVENT_RETENTION_HOURS', 'PICQER_WARMUP_PAGES',
  'EVENT_FANOUT_WINDOW_MS',
  'MAX_SUBSCRIPTIONS_PER_CONNECTION',
]);
const BOOLEAN_VARS = new Set(['PICQER_REGISTER_HOOKS', 'GRAPHIQL', 'INTROSPECTION', 'SANDBOX', 'AUTH_DISABLED', 'SHOPIFY_AUTO_SYNC']);

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

export interface Config {
  port: number;
  host: string;
  logLevel: string;
  production: boolean;
  /** True when no Picqer credentials are set: the gateway starts the built-in sandboxes. */
  sandbox: boolean;
  sandboxPicksPerMinute: number;
  picqer?: PicqerConfig;
  shopify?: ShopifyConfig;
  exact?: ExactConfig;
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
  graphiql: boolean;
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
  /** Product pages (100 each) read at start to index product codes; 0 turns the warm-up off. */
  picqerWarmupPages: number;
  security: SecurityConfig;
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

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates configuration; throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(new Env()).concat(declaredKeys())) {
    const value = env[key];
    if (value === undefined || value === '') continue;
    if (NUMBER_VARS.has(key)) {
      const n = Number(value);
      if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
        problems.push(`${key} must be a whole number, got "${value}"`);
        continue;
      }
      raw[key] = n;
    } else if (BOOLEAN_VARS.has(key)) {
      const v = value.trim().toLowerCase();
      if (!['true', 'false', '1', '0', 'yes', 'no'].includes(v)) {
        problems.push(`${key} must be true or false, got "${value}"`);
        continue;
      }
      raw[key] = ['true', '1', 'yes'].includes(v);
    } else {
      raw[key] = value;
    }
  }
  const e = plainToInstance(Env, raw);
  problems.push(...flatten(validateSync(e, { forbidUnknownValues: true })));

  const locationMap = parseLocationMap(typeof raw.SHOPIFY_LOCATION_MAP === 'string' ? raw.SHOPIFY_LOCATION_MAP : '');
  problems.push(...locationMap.problems);

  const pairs: Array<[string, string]> = [
    ['PICQER_SUBDOMAIN', 'PICQER_API_KEY'],
    ['SHOPIFY_SHOP', 'SHOPIFY_ACCESS_TOKEN'],
  ];
  for (const [a, b] of pairs) {
    if (Boolean(raw[a]) !== Boolean(raw[b])) problems.push(`${raw[a] ? b : a} must be set together with ${raw[a] ? a : b}`);
  }
  const exactVars = ['EXACT_DIVISION', 'EXACT_CLIENT_ID', 'EXACT_CLIENT_SECRET', 'EXACT_REFRESH_TOKEN'];
  const exactSet = exactVars.filter((k) => raw[k] !== undefined);
  if (exactSet.length > 0 && exactSet.length < exactVars.length) {
    problems.push(`Exact Online needs all of ${exactVars.join(', ')}; missing ${exactVars.filter((k) => raw[k] === undefined).join(', ')}`);
  }
  const callers = loadTokenEntries(e.GATEWAY_TOKENS, e.GATEWAY_TOKENS_FILE);
  problems.push(...callers.problems);
  if (e.NODE_ENV === 'production' && !(e.SANDBOX ?? !e.PICQER_API_KEY) && callers.entries.length === 0 && callers.problems.length === 0 && e.AUTH_DISABLED !== true) {
    problems.push('GATEWAY_TOKENS or GATEWAY_TOKENS_FILE must be set in production; to run without authentication set AUTH_DISABLED=true explicitly');
  }
  // Hooks must point where Picqer can reach us; the listening address (often 127.0.0.1) is not
  // that, and registering it would create dead hooks in the real account. A Picqer on this
  // machine (the sandbox) can reach the listening address, so it is exempt.
  const loopbackPicqer = typeof raw.PICQER_BASE_URL === 'string' && /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:|\/|$)/.test(raw.PICQER_BASE_URL);
  if (raw.PICQER_REGISTER_HOOKS === true && !raw.PUBLIC_URL && raw.PICQER_API_KEY && raw.SANDBOX !== true && !loopbackPicqer) {
    problems.push('PUBLIC_URL must be set when PICQER_REGISTER_HOOKS=true: the address Picqer posts webhooks to');
  }
  if (raw.PICQER_REGISTER_HOOKS === true && !raw.PICQER_WEBHOOK_SECRET && raw.PICQER_API_KEY && raw.SANDBOX !== true) {
    problems.push('PICQER_WEBHOOK_SECRET must be set when PICQER_REGISTER_HOOKS=true: Picqer signs deliveries with it');
  }
  if (problems.length) throw new ConfigError(problems);

  const hasPicqer = Boolean(e.PICQER_API_KEY);
  const sandbox = e.SANDBOX ?? !hasPicqer;
  const production = e.NODE_ENV === 'production';
  const cfg: Config = {
    port: e.PORT ?? 4000,
    host: e.HOST ?? '127.0.0.1',
    logLevel: e.LOG_LEVEL ?? 'info',
    production,
    sandbox,
    sandboxPicksPerMinute: e.SANDBOX_SIMULATOR_PICKS_PER_MINUTE ?? 30,
    picqer: hasPicqer
      ? {
          baseUrl: e.PICQER_BASE_URL ?? `https://${e.PICQER_SUBDOMAIN}.picqer.com/api/v1`,
          apiKey: e.PICQER_API_KEY!,
          userAgent: e.PICQER_USER_AGENT ?? 'PicqerGateway/0.1 (+https://github.com/picqer-gateway)',
          rateLimitPerMinute: e.PICQER_RATE_LIMIT ?? 500,
          webhookSecret: e.PICQER_WEBHOOK_SECRET,
          registerHooks: e.PICQER_REGISTER_HOOKS ?? false,
        }
      : undefined,
    shopify: e.SHOPIFY_ACCESS_TOKEN
      ? {
          baseUrl: e.SHOPIFY_BASE_URL ?? `https://${e.SHOPIFY_SHOP}.myshopify.com`,
          accessToken: e.SHOPIFY_ACCESS_TOKEN,
          apiVersion: e.SHOPIFY_API_VERSION ?? '2026-10',
          webhookSecret: e.SHOPIFY_WEBHOOK_SECRET,
          locationMap: Object.fromEntries(locationMap.map),
        }
      : undefined,
    exact: e.EXACT_CLIENT_ID
      ? {
          baseUrl: e.EXACT_BASE_URL ?? 'https://start.exactonline.nl',
          division: e.EXACT_DIVISION!,
          clientId: e.EXACT_CLIENT_ID,
          clientSecret: e.EXACT_CLIENT_SECRET!,
          refreshToken: e.EXACT_REFRESH_TOKEN!,
        }
      : undefined,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX ?? 'pgw:',
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS ?? 10_000,
    upstreamDeadlineMs: e.UPSTREAM_DEADLINE_MS ?? 15_000,
    governorFallbackShare: (e.GOVERNOR_FALLBACK_PERCENT ?? 25) / 100,
    governorMarginMs: e.GOVERNOR_MARGIN_MS ?? 250,
    governorWindowMs: e.GOVERNOR_WINDOW_MS ?? 60_000,
    publicUrl: e.PUBLIC_URL,
    graphiql: e.GRAPHIQL ?? !production,
    introspection: e.INTROSPECTION ?? !production,
    bodyLimitBytes: e.BODY_LIMIT_BYTES ?? 1_048_576,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS ?? 15_000,
    eventRetentionMs: (e.EVENT_RETENTION_HOURS ?? 24) * 3_600_000,
    eventFanoutWindowMs: e.EVENT_FANOUT_WINDOW_MS ?? 3,
    shopifyAutoSync: e.SHOPIFY_AUTO_SYNC ?? false,
    picqerWarmupPages: e.PICQER_WARMUP_PAGES ?? 50,
    security: {
      tokens: callers.entries,
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
    },
  };
  return deepFreeze(cfg);
}

function declaredKeys(): string[] {
  // class-validator keeps the decorated property names; the instance has none of them set.
  const { getMetadataStorage } = require('class-validator') as typeof import('class-validator');
  const metas = getMetadataStorage().getTargetValidationMetadatas(Env, '', true, false);
  return [...new Set(metas.map((m) => m.propertyName))];
}

function flatten(errors: ValidationError[]): string[] {
  return errors.flatMap((err) => {
    const c = err.constraints ?? {};
    // Never echo the value of a secret-looking variable.
    const secret = /KEY|TOKEN|SECRET/.test(err.property);
    return Object.values(c).map((msg) => (secret || msg.startsWith(err.property) ? msg : `${err.property}: ${msg}`));
  });
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
