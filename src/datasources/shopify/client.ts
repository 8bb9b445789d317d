import { randomUUID } from 'node:crypto';
import type { ShopifyConfig } from '../../config';
import { UpstreamError } from '../../errors';
import type { CallAccounting } from '../upstream/accounting';
import type { GovernorRegistry, Priority, ShopifyCostFeedback } from '../upstream/governor/governor.types';
import { UpstreamHttp } from '../upstream/http';
import {
  LOCATIONS_QUERY,
  MAX_ARRAY_INPUT,
  MUTATION_COST,
  QUANTITY_NAMES,
  VARIANTS_BY_SEARCH_QUERY,
  locationsCost,
  setQuantitiesRequest,
  skuSearch,
  variantsCost,
} from './queries';
import type {
  ShopifyGraphqlErrorWire,
  ShopifyLocationWire,
  ShopifyPageInfoWire,
  ShopifyQuantityInput,
  ShopifySetQuantitiesPayloadWire,
  ShopifyVariantsPageWire,
  ShopifyVariantWire,
} from './wire';

/**
 * The Shopify Admin GraphQL client: knows the endpoint, the auth header, the documents and their
 * cost; knows nothing of our schema. Answers are wire shapes (wire.ts); the loaders map them. Every call goes through UpstreamHttp and the governor's
 * cost bucket, which reads `extensions.cost` back from each answer, so a THROTTLED answer is
 * waited out and sent again rather than failed.
 */

export interface ShopifyClientOptions {
  /** Shop origin, e.g. https://myshop.myshopify.com (or a sandbox origin). */
  baseUrl: string;
  accessToken: string;
  /** e.g. "2026-10". */
  apiVersion: string;
  governors: GovernorRegistry;
  /** Per-attempt timeout. Default 10,000 ms (UpstreamHttp's). */
  timeoutMs?: number;
  /** Overall time incl. waiting for budget. Default 15,000 ms (UpstreamHttp's). */
  deadlineMs?: number;
  /** Bucket assumed until Shopify's first throttleStatus. Default 2,000 points, 100/s. */
  bucket?: { size: number; restorePerSecond: number };
}

/** Per-call options: who pays and how urgent it is. */
export interface ShopifyCallOptions {
  accounting?: CallAccounting;
  priority?: Priority;
}

export interface ShopifyClient {
  /**
   * Sends one document for `cost` points; returns `data` or throws UpstreamError. A `mutation` is
   * sent once (a lost answer is not repeated) unless it is `idempotent` (an `@idempotent` key).
   */
  graphql<T>(
    query: string,
    variables: Record<string, unknown>,
    cost: number,
    o?: ShopifyCallOptions & { mutation?: boolean; idempotent?: boolean },
  ): Promise<T>;
  /** All locations of the shop (pages of 250). */
  locations(o?: ShopifyCallOptions): Promise<ShopifyLocationWire[]>;
  /** One page of variants matching any of `skus`, with `levels` inventory levels each. */
  variantsBySkus(
    skus: readonly string[],
    page: { first: number; after?: string | null; levels: number },
    o?: ShopifyCallOptions,
  ): Promise<ShopifyVariantsPageWire>;
  /**
   * inventorySetQuantities for up to 250 quantities of `available`; null when none are given.
   * From API 2026-01 the call carries an `@idempotent` key of its own, so a retry after a lost
   * answer (timeout, 5xx) returns the first result and can never apply the change twice.
   */
  setAvailable(
    quantities: ShopifyQuantityInput[],
    reason: string,
    o?: ShopifyCallOptions & { referenceDocumentUri?: string },
  ): Promise<ShopifySetQuantitiesPayloadWire | null>;
  close(): Promise<void>;
}

const VERSION = /^(\d{4}-(0[1-9]|1[0-2])|unstable)$/;

/** Builds a client; throws a TypeError naming the first bad option (never echoing the token). */
export function createShopifyClient(opts: ShopifyClientOptions): ShopifyClient {
  validateOptions(opts);
  const origin = new URL(opts.baseUrl);
  const bucket = opts.bucket ?? { size: 2000, restorePerSecond: 100 };
  const http = new UpstreamHttp({
    upstream: 'shopify',
    baseUrl: origin.origin,
    // Shopify keeps one bucket per app + shop; the token stands for the app here.
    governor: opts.governors.governor('shopify', `${origin.host}\0${opts.accessToken}`, { kind: 'cost-bucket', ...bucket }),
    headers: () => ({ 'x-shopify-access-token': opts.accessToken }),
    timeoutMs: opts.timeoutMs,
    deadlineMs: opts.deadlineMs,
  });
  const path = `/admin/api/${opts.apiVersion}/graphql.json`;

  async function graphql<T>(
    query: string,
    variables: Record<string, unknown>,
    cost: number,
    o: ShopifyCallOptions & { mutation?: boolean; idempotent?: boolean } = {},
  ): Promise<T> {
    const res = await http.request<GraphqlBody<T>>({
      method: 'POST',
      path,
      body: { query, variables },
      // Reads retry safely, and so does a mutation with an idempotency key; any other mutation
      // that may have landed is not sent twice.
      idempotent: !o.mutation || o.idempotent === true,
      cost,
      priority: o.priority,
      accounting: o.accounting,
      inspect: inspectCost,
    });
    const body = res.json;
    if (Array.isArray(body?.errors) && body.errors.length) throw graphqlError(body.errors);
    if (!body || body.data == null) throw new UpstreamError('shopify', res.status, 'shopify answered without data.');
    return body.data;
  }

  return {
    graphql,
    locations: (o) => allLocations(graphql, o),
    async variantsBySkus(skus, page, o) {
      const d = await graphql<{ shop: { currencyCode: string } | null; productVariants: { nodes: ShopifyVariantWire[]; pageInfo: ShopifyPageInfoWire } }>(
        VARIANTS_BY_SEARCH_QUERY,
        { first: page.first, after: page.after ?? null, query: skuSearch(skus), levels: page.levels, names: [...QUANTITY_NAMES] },
        variantsCost(page.first, page.levels),
        o,
      );
      return { ...d.productVariants, currencyCode: d.shop?.currencyCode ?? null };
    },
    setAvailable: (quantities, reason, o) => setAvailable(graphql, opts.apiVersion, quantities, reason, o),
    close: () => http.close(),
  };
}

/** The client for a validated config; null when Shopify is not configured. */
export function shopifyClientFromConfig(
  cfg: ShopifyConfig | undefined,
  governors: GovernorRegistry,
  extra: { timeoutMs?: number; deadlineMs?: number } = {},
): ShopifyClient | null {
  return cfg ? createShopifyClient({ baseUrl: cfg.baseUrl, accessToken: cfg.accessToken, apiVersion: cfg.apiVersion, governors, ...extra }) : null;
}

type GraphqlCall = ShopifyClient['graphql'];

/** Every page of locations (250 a page). */
async function allLocations(graphql: GraphqlCall, o?: ShopifyCallOptions): Promise<ShopifyLocationWire[]> {
  const all: ShopifyLocationWire[] = [];
  let after: string | null = null;
  do {
    const d: { locations: { nodes: ShopifyLocationWire[]; pageInfo: ShopifyPageInfoWire } } = await graphql(
      LOCATIONS_QUERY,
      { first: MAX_ARRAY_INPUT, after },
      locationsCost(MAX_ARRAY_INPUT),
      o,
    );
    all.push(...d.locations.nodes);
    after = d.locations.pageInfo.hasNextPage ? d.locations.pageInfo.endCursor : null;
  } while (after);
  return all;
}

/**
 * One push. Its key is a fresh UUID (Shopify's recommendation), sent unchanged by every retry of
 * this call: a key computed from the change alone would make a later, identical change (5 → 7
 * again after the shop sold back down to 5) look like a repeat of this one, and Shopify would
 * answer it from the old result without applying it. A push retried at a higher level (the
 * auto-sync's retry queue) reads the shop again and is a new change, guarded by its compare values.
 */
async function setAvailable(
  graphql: GraphqlCall,
  apiVersion: string,
  quantities: ShopifyQuantityInput[],
  reason: string,
  o: ShopifyCallOptions & { referenceDocumentUri?: string } = {},
): Promise<ShopifySetQuantitiesPayloadWire | null> {
  if (quantities.length === 0) return null;
  if (quantities.length > MAX_ARRAY_INPUT) {
    throw new RangeError(`setAvailable: at most ${MAX_ARRAY_INPUT} quantities per call, got ${quantities.length}`);
  }
  const send = async (key: string): Promise<ShopifySetQuantitiesPayloadWire | null> => {
    const { query, variables, idempotent } = setQuantitiesRequest(
      apiVersion,
      { name: 'available', reason, referenceDocumentUri: o.referenceDocumentUri, quantities },
      key,
    );
    const d = await graphql<{ inventorySetQuantities: ShopifySetQuantitiesPayloadWire | null }>(query, variables, MUTATION_COST, {
      accounting: o.accounting,
      priority: o.priority,
      mutation: true,
      idempotent,
    });
    return d.inventorySetQuantities;
  };
  const first = await send(randomUUID());
  // Shopify: "A previous request with this idempotency key failed. Retry with a new idempotency
  // key." The failed attempt applied nothing and the compare values still guard every quantity,
  // so one more try under a new key is safe; a second such answer is passed on.
  if (first?.userErrors.some((e) => e.code === 'IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED')) return send(randomUUID());
  return first;
}

interface GraphqlBody<T> {
  data?: T | null;
  errors?: ShopifyGraphqlErrorWire[];
  extensions?: { cost?: ShopifyCostFeedback };
}

/** Feeds the governor: Shopify's bucket as it is now, and whether this answer was THROTTLED. */
export function inspectCost(json: unknown): { cost?: ShopifyCostFeedback; throttled?: boolean } {
  const body = json as GraphqlBody<unknown> | null;
  const cost = body?.extensions?.cost;
  // `errors` is an array in GraphQL answers but a plain string in Shopify's 401/404 bodies.
  const throttled = Array.isArray(body?.errors) && body.errors.some((e) => e?.extensions?.code === 'THROTTLED');
  return { ...(cost && typeof cost.requestedQueryCost === 'number' && cost.throttleStatus ? { cost } : {}), throttled };
}

/**
 * Shopify's GraphQL errors as one UpstreamError. Only the error code travels (MAX_COST_EXCEEDED,
 * ACCESS_DENIED …): messages can quote the query, arguments or data.
 */
function graphqlError(errors: ShopifyGraphqlErrorWire[]): UpstreamError {
  const codes = [...new Set(errors.map((e) => e?.extensions?.code).filter((c): c is string => typeof c === 'string' && /^[A-Z_]{2,40}$/.test(c)))];
  return new UpstreamError('shopify', 200, `shopify rejected the query${codes.length ? ` (${codes.join(', ')})` : ''}.`);
}

function validateOptions(o: ShopifyClientOptions): void {
  const bad = (name: string, expected: string, got?: unknown): never => {
    throw new TypeError(`createShopifyClient: option "${name}" must be ${expected}${got === undefined ? '' : `, got ${JSON.stringify(got)}`}`);
  };
  if (!o || typeof o !== 'object') bad('opts', 'an object');
  let url: URL | undefined;
  try {
    url = new URL(o.baseUrl);
  } catch {
    /* reported below */
  }
  if (!url || !/^https?:$/.test(url.protocol)) bad('baseUrl', 'an http(s) URL such as https://myshop.myshopify.com', o.baseUrl);
  if (typeof o.accessToken !== 'string' || o.accessToken.trim().length < 8) bad('accessToken', 'a Shopify Admin API access token (8+ characters)');
  if (typeof o.apiVersion !== 'string' || !VERSION.test(o.apiVersion)) bad('apiVersion', 'a version such as "2026-10" or "unstable"', o.apiVersion);
  if (!o.governors || typeof o.governors.governor !== 'function') bad('governors', 'a GovernorRegistry');
  for (const k of ['timeoutMs', 'deadlineMs'] as const) {
    const v = o[k];
    if (v !== undefined && (!Number.isInteger(v) || v <= 0)) bad(k, 'a positive whole number of milliseconds', v);
  }
  if (o.bucket && !(o.bucket.size > 0 && o.bucket.restorePerSecond > 0)) bad('bucket', '{ size > 0, restorePerSecond > 0 }', o.bucket);
}
