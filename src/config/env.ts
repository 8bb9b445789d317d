import 'reflect-metadata';
import { Transform, plainToInstance } from 'class-transformer';
import {
  getMetadataStorage,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MinLength,
  ValidateBy,
  validateSync,
  type ValidationArguments,
  type ValidationError,
} from 'class-validator';

/**
 * The environment as the gateway reads it: one decorated field per variable, which states both how
 * the text converts (class-transformer) and what is valid (class-validator). Adding a variable is
 * one line here; there is no second list of names to keep in step.
 */

/** Variables whose values are never repeated in a problem message. */
const SECRET_NAME = /KEY|TOKEN|SECRET/;
const WHOLE_NUMBER = /^-?\d+$/;
const TRUE_TEXT = ['true', '1', 'yes'];
const FALSE_TEXT = ['false', '0', 'no'];
const WEEK_MS = 7 * 24 * 3_600_000;

/** The bad value quoted for the message, unless the variable's name says it holds a secret. */
function got(name: string, value: unknown): string {
  return SECRET_NAME.test(name) ? '' : `, got "${String(value)}"`;
}

/** The variable's name and value; class-validator always passes them, though its type says "maybe". */
function subject(args: ValidationArguments | undefined): { name: string; value: unknown } {
  return { name: args?.property ?? 'a variable', value: args?.value };
}

/**
 * A whole number within [min, max] (no upper bound when max is left out). The text converts only
 * when it is plainly a whole number: Number() would also take "0x10", "1e3", "12.0" or " ",
 * which an operator never means. Text that does not convert stays text, so the check can name
 * the variable and quote what it got, in one message per variable.
 */
function WholeNumber(min: number, max?: number): PropertyDecorator {
  const convert = Transform(
    ({ value }: { value: unknown }) =>
      typeof value === 'string' && WHOLE_NUMBER.test(value.trim()) && Number.isSafeInteger(Number(value)) ? Number(value) : value,
    { toClassOnly: true },
  );
  const check = ValidateBy({
    name: 'wholeNumber',
    constraints: [min, max],
    validator: {
      validate: (value: unknown) => Number.isSafeInteger(value) && (value as number) >= min && (max === undefined || (value as number) <= max),
      // The wording of class-validator's @Min/@Max, which the README and the tests quote.
      defaultMessage: (args) => {
        const { name, value } = subject(args);
        return !Number.isSafeInteger(value)
          ? `${name} must be a whole number${got(name, value)}`
          : (value as number) < min
            ? `${name} must not be less than ${min}`
            : `${name} must not be greater than ${max}`;
      },
    },
  });
  return (target, key) => {
    convert(target, key);
    check(target, key);
  };
}

/** A switch: true/false, 1/0 or yes/no, in any case. Other text stays text and is named (with `alsoAllowed` in the message). */
function TrueOrFalse(alsoAllowed?: string): PropertyDecorator {
  const convert = Transform(
    ({ value }: { value: unknown }) => {
      const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
      return TRUE_TEXT.includes(text as string) ? true : FALSE_TEXT.includes(text as string) ? false : value;
    },
    { toClassOnly: true },
  );
  const check = ValidateBy({
    name: 'trueOrFalse',
    validator: {
      validate: (value: unknown) => typeof value === 'boolean',
      defaultMessage: (args) => {
        const { name, value } = subject(args);
        return `${name} must be true${alsoAllowed ? `, false or ${alsoAllowed}` : ' or false'}${got(name, value)}`;
      },
    },
  });
  return (target, key) => {
    convert(target, key);
    check(target, key);
  };
}

/**
 * A Redis address: redis:// or rediss:// (TLS). The value is never quoted: it may carry a password.
 * One rule, one message (IsUrl's "must be a URL address" named neither scheme).
 */
function RedisUrl(): PropertyDecorator {
  return ValidateBy({
    name: 'redisUrl',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && /^rediss?:\/\/[^\s/?#]+/.test(value) && URL.canParse(value),
      defaultMessage: (args) => `${subject(args).name} must start with redis:// or rediss://, e.g. redis://127.0.0.1:6379`,
    },
  });
}

export class Env {
  @IsOptional() @WholeNumber(0, 65535) PORT?: number;
  @IsOptional() @IsString() HOST?: string;
  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL?: string;
  @IsOptional() @IsIn(['development', 'production', 'test']) NODE_ENV?: string;

  // Picqer
  @IsOptional()
  @Matches(/^[a-z0-9-]+$/i, { message: 'PICQER_SUBDOMAIN must be the account name, e.g. "myshop" for myshop.picqer.com' })
  PICQER_SUBDOMAIN?: string;
  @IsOptional() @IsString() @MinLength(8) PICQER_API_KEY?: string;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) PICQER_BASE_URL?: string;
  @IsOptional() @IsString() @MinLength(3) PICQER_USER_AGENT?: string;
  @IsOptional() @WholeNumber(1, 100000) PICQER_RATE_LIMIT?: number;
  @IsOptional() @IsString() @MinLength(16) PICQER_WEBHOOK_SECRET?: string;
  @IsOptional() @TrueOrFalse() PICQER_REGISTER_HOOKS?: boolean;
  @IsOptional() @WholeNumber(1, 720) EVENT_RETENTION_HOURS?: number;
  @IsOptional() @WholeNumber(0, 100) EVENT_FANOUT_WINDOW_MS?: number;
  @IsOptional() @WholeNumber(0, 1000) PICQER_WARMUP_PAGES?: number;
  @IsOptional() @TrueOrFalse() SHOPIFY_AUTO_SYNC?: boolean;

  // Shopify
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]*$/i, { message: 'SHOPIFY_SHOP must be the shop name, e.g. "myshop" for myshop.myshopify.com' })
  SHOPIFY_SHOP?: string;
  @IsOptional() @IsString() @MinLength(8) SHOPIFY_ACCESS_TOKEN?: string;
  @IsOptional()
  @Matches(/^(\d{4}-(01|04|07|10)|unstable)$/, { message: 'SHOPIFY_API_VERSION must look like 2026-10' })
  SHOPIFY_API_VERSION?: string;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) SHOPIFY_BASE_URL?: string;
  @IsOptional() @IsString() @MinLength(16) SHOPIFY_WEBHOOK_SECRET?: string;
  /** Picqer warehouse -> Shopify location, e.g. "1=gid://shopify/Location/1,2=gid://shopify/Location/2". */
  @IsOptional() @IsString() SHOPIFY_LOCATION_MAP?: string;

  // Exact Online
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) EXACT_BASE_URL?: string;
  @IsOptional() @WholeNumber(1) EXACT_DIVISION?: number;
  @IsOptional() @IsString() @MinLength(8) EXACT_CLIENT_ID?: string;
  @IsOptional() @IsString() @MinLength(8) EXACT_CLIENT_SECRET?: string;
  @IsOptional() @IsString() @MinLength(8) EXACT_REFRESH_TOKEN?: string;

  // Lightspeed Retail X-Series: the till (README "Till sales"); the receiver exists only with the webhook secret
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) LIGHTSPEED_RETAIL_BASE_URL?: string;
  @IsOptional() @IsString() @MinLength(8) LIGHTSPEED_RETAIL_TOKEN?: string;
  @IsOptional() @IsString() @MinLength(16) LIGHTSPEED_RETAIL_WEBHOOK_SECRET?: string;
  @IsOptional() @WholeNumber(1, 10000) LIGHTSPEED_RETAIL_REGISTERS?: number;
  @IsOptional() @TrueOrFalse() LIGHTSPEED_RETAIL_REGISTER_HOOKS?: boolean;
  /** Lightspeed outlet -> Picqer warehouse, e.g. "0b6a…-…=1,0b6b…-…=2". */
  @IsOptional() @IsString() LIGHTSPEED_STORE_MAP?: string;

  // Lightspeed eCom: the second webshop (README "Lightspeed eCom"); base URL, language, key and secret together
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) LIGHTSPEED_ECOM_BASE_URL?: string;
  @IsOptional()
  @Matches(/^[a-z]{2}$/, { message: 'LIGHTSPEED_ECOM_LANGUAGE must be a two-letter shop language such as "nl"' })
  LIGHTSPEED_ECOM_LANGUAGE?: string;
  @IsOptional() @IsString() @MinLength(8) LIGHTSPEED_ECOM_API_KEY?: string;
  @IsOptional() @IsString() @MinLength(8) LIGHTSPEED_ECOM_API_SECRET?: string;
  @IsOptional() @IsString() @MinLength(16) LIGHTSPEED_ECOM_WEBHOOK_SECRET?: string;
  /** Picqer warehouses whose free stock, summed, is the webshop's one stock level, e.g. "1,2". */
  @IsOptional()
  @Matches(/^\s*\d+\s*(,\s*\d+\s*)*$/, { message: 'LIGHTSPEED_ECOM_WAREHOUSES must be Picqer warehouse ids separated by commas, e.g. "1,2"' })
  LIGHTSPEED_ECOM_WAREHOUSES?: string;
  @IsOptional() @Matches(/^[A-Z]{3}$/, { message: 'LIGHTSPEED_ECOM_CURRENCY must be an ISO 4217 code such as EUR' }) LIGHTSPEED_ECOM_CURRENCY?: string;
  @IsOptional() @TrueOrFalse() LIGHTSPEED_AUTO_SYNC?: boolean;

  // Shared state
  @IsOptional() @RedisUrl() REDIS_URL?: string;
  @IsOptional()
  @Matches(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'REDIS_KEY_PREFIX must be 1-64 of A-Z a-z 0-9 : _ -' })
  REDIS_KEY_PREFIX?: string;

  // Entity cache (src/config/cache-config.ts; README "Cache"): ms, at most 7 days each
  @IsOptional() @TrueOrFalse() CACHE_ENABLED?: boolean;
  @IsOptional() @WholeNumber(1, 65536) CACHE_MAX_MB?: number;
  @IsOptional() @WholeNumber(0, 3600000) CACHE_EVENT_GRACE_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_TTL_PRODUCT_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_REVALIDATE_PRODUCT_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_MAX_STALE_PRODUCT_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_TTL_PRODUCT_CODE_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_REVALIDATE_PRODUCT_CODE_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_MAX_STALE_PRODUCT_CODE_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_TTL_WAREHOUSES_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_REVALIDATE_WAREHOUSES_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_MAX_STALE_WAREHOUSES_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_TTL_PRODUCT_PAGE_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_REVALIDATE_PRODUCT_PAGE_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_MAX_STALE_PRODUCT_PAGE_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_TTL_SHOPIFY_VARIANT_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_REVALIDATE_SHOPIFY_VARIANT_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_MAX_STALE_SHOPIFY_VARIANT_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_TTL_EXACT_ITEM_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_REVALIDATE_EXACT_ITEM_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_MAX_STALE_EXACT_ITEM_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_TTL_LIGHTSPEED_VARIANT_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_REVALIDATE_LIGHTSPEED_VARIANT_MS?: number;
  @IsOptional() @WholeNumber(0, WEEK_MS) CACHE_MAX_STALE_LIGHTSPEED_VARIANT_MS?: number;

  // Upstream calls
  @IsOptional() @WholeNumber(100, 120000) UPSTREAM_TIMEOUT_MS?: number;
  @IsOptional() @WholeNumber(100, 300000) UPSTREAM_DEADLINE_MS?: number;
  @IsOptional() @WholeNumber(1, 100) GOVERNOR_FALLBACK_PERCENT?: number;
  @IsOptional() @WholeNumber(0, 5000) GOVERNOR_MARGIN_MS?: number;
  @IsOptional() @WholeNumber(1000, 3600000) GOVERNOR_WINDOW_MS?: number;

  // Public surface
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) PUBLIC_URL?: string;
  @IsOptional() @TrueOrFalse() GRAPHIQL?: boolean;
  @IsOptional() @TrueOrFalse() INTROSPECTION?: boolean;
  @IsOptional() @WholeNumber(1024, 10485760) BODY_LIMIT_BYTES?: number;
  @IsOptional() @WholeNumber(100, 300000) REQUEST_TIMEOUT_MS?: number;

  // Metrics (src/config/metrics-config.ts; README "Metrics")
  @IsOptional() @WholeNumber(0, 65535) METRICS_PORT?: number;
  @IsOptional() @IsString() @MinLength(16) METRICS_TOKEN?: string;
  @IsOptional()
  @Matches(/^\s*[_A-Za-z][_0-9A-Za-z]*\s*(,\s*[_A-Za-z][_0-9A-Za-z]*\s*)*$/, {
    message: 'METRICS_OPERATION_NAMES must be GraphQL operation names separated by commas, e.g. "Stock,Orders"',
  })
  METRICS_OPERATION_NAMES?: string;

  // Operations (README "Running in production"): logs and shutdown
  @IsOptional() @IsIn(['auto', 'json', 'pretty'], { message: 'LOG_FORMAT must be auto, json or pretty' }) LOG_FORMAT?: string;
  @IsOptional() @WholeNumber(0, 600000) SHUTDOWN_DRAIN_MS?: number;
  @IsOptional() @WholeNumber(100, 600000) SHUTDOWN_TIMEOUT_MS?: number;

  // Callers and abuse limits (src/auth, src/security)
  @IsOptional() @IsString() GATEWAY_TOKENS?: string;
  @IsOptional() @IsString() GATEWAY_TOKENS_FILE?: string;
  @IsOptional() @TrueOrFalse() AUTH_DISABLED?: boolean;
  @IsOptional()
  @Matches(/^(off|stdout|stderr|\/.+|\.{1,2}\/.+)$/, { message: 'AUDIT_LOG must be off, stdout, stderr or a file path starting with / or ./' })
  AUDIT_LOG?: string;
  @IsOptional() @WholeNumber(1, 100) MAX_QUERY_DEPTH?: number;
  @IsOptional() @WholeNumber(1, 100000) MAX_QUERY_COST?: number;
  @IsOptional() @WholeNumber(100, 100000) MAX_QUERY_TOKENS?: number;
  @IsOptional() @WholeNumber(0, 10000) MAX_QUERY_ALIASES?: number;
  @IsOptional() @WholeNumber(0, 10000) MAX_QUERY_DIRECTIVES?: number;
  @IsOptional() @WholeNumber(0, 10000) MAX_QUERY_FRAGMENT_SPREADS?: number;
  @IsOptional() @WholeNumber(0, 1000000) RATE_LIMIT_PER_TOKEN_PER_MINUTE?: number;
  @IsOptional() @WholeNumber(1, 10000) MAX_SUBSCRIPTIONS_PER_CONNECTION?: number;

  // Frontends on their own origin (src/config/browser-config.ts; README "Frontends")
  /** Origins allowed to call from a browser, e.g. "https://shop.example.com,https://*.example.com". */
  @IsOptional() @IsString() CORS_ORIGINS?: string;
  @IsOptional() @WholeNumber(0, 7200) CORS_MAX_AGE_SECONDS?: number;
  @IsOptional() @TrueOrFalse() PUBLIC_ACCESS?: boolean;
  @IsOptional() @WholeNumber(1, 1000000) PUBLIC_RATE_LIMIT_PER_MINUTE?: number;
  /** Proxies whose X-Forwarded-For is believed, e.g. "10.0.0.0/8,127.0.0.1". */
  @IsOptional() @IsString() TRUSTED_PROXIES?: string;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) JWKS_URL?: string;
  @IsOptional() @IsString() JWT_ISSUER?: string;
  @IsOptional() @IsString() JWT_AUDIENCE?: string;
  @IsOptional() @Matches(/^[A-Za-z0-9_:./-]{1,100}$/, { message: 'JWT_SCOPES_CLAIM must be a claim name such as "scope"' }) JWT_SCOPES_CLAIM?: string;
  @IsOptional() @WholeNumber(0, 3600000) JWKS_REFRESH_COOLDOWN_MS?: number;
  @IsOptional() @IsIn(['off', 'on']) TRUSTED_DOCUMENTS?: string;
  @IsOptional() @IsString() TRUSTED_DOCUMENTS_FILE?: string;
  @IsOptional() @WholeNumber(60, 2592000) APQ_TTL_SECONDS?: number;

  // Sandbox mode
  /** true, false or auto (sandbox when Picqer has no credentials); unset: auto, but false under NODE_ENV=production. Resolved by readEnv. */
  @IsOptional() @TrueOrFalse('auto') SANDBOX?: boolean;
  @IsOptional() @WholeNumber(0, 10000) SANDBOX_SIMULATOR_PICKS_PER_MINUTE?: number;
}

/** Every variable Env declares: all carry at least @IsOptional, so class-validator knows each name. */
const ENV_NAMES: readonly string[] = [
  ...new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(Env, '', true, false)
      .map((m) => m.propertyName),
  ),
];

/**
 * Reads the declared variables from `env` (empty counts as unset), converts them and validates
 * each on its own. Returns the values and one problem per failed rule, each naming its variable.
 * A number or switch whose text did not convert is unset in the values (its problem is reported),
 * so the checks between variables see only real numbers and booleans, as their types say.
 */
export function readEnv(env: NodeJS.ProcessEnv): { values: Env; problems: string[] } {
  const text: Record<string, string> = {};
  for (const name of ENV_NAMES) {
    const value = env[name];
    if (value !== undefined && value !== '') text[name] = value;
  }
  const sandboxAuto = text.SANDBOX?.trim().toLowerCase() === 'auto';
  if (sandboxAuto) delete text.SANDBOX;
  const values = plainToInstance(Env, text);
  const errors = validateSync(values, { forbidUnknownValues: true });
  for (const err of errors) {
    const unconverted = (err.constraints?.wholeNumber !== undefined || err.constraints?.trueOrFalse !== undefined) && typeof err.value === 'string';
    if (unconverted) Object.assign(values, { [err.property]: undefined });
  }
  values.SANDBOX ??= sandboxWanted(values, sandboxAuto);
  return { values, problems: problemsOf(errors) };
}

/**
 * SANDBOX unset or auto: the sandboxes start when Picqer has no credentials. Under NODE_ENV=production
 * only when asked for (SANDBOX=auto is what `npm start` sets), so a deployment that lost its
 * secrets refuses to start instead of serving invented data (config.ts names what is missing).
 */
function sandboxWanted(e: Env, auto: boolean): boolean {
  if (e.PICQER_API_KEY) return false;
  return auto || e.NODE_ENV !== 'production';
}

function problemsOf(errors: ValidationError[]): string[] {
  return errors.flatMap((err) =>
    // class-validator's own messages start with the name; a custom one that does not gets it in front.
    Object.values(err.constraints ?? {}).map((msg) => (msg.startsWith(err.property) ? msg : `${err.property}: ${msg}`)),
  );
}
