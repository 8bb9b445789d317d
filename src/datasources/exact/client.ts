import type { ExactConfig } from '../../config';
import { UpstreamError } from '../../errors';
import type { CallAccounting } from '../upstream/accounting';
import type { GovernorRegistry, Priority } from '../upstream/governor/governor.types';
import { UpstreamHttp } from '../upstream/http';
import { ExactTokenManager } from './auth';
import type { ExactTokenStore } from './token-store';
import type { ExactCollection } from './wire';

/**
 * Exact Online REST calls for one app (client id) and division. Every call goes through
 * UpstreamHttp and the division's minute-and-day governor, carries a bearer token from
 * ExactTokenManager, and on a 401 refreshes once and is sent once more. Answers are wire shapes
 * (wire.ts); the loaders map them.
 */

export interface ExactClientOptions {
  /** e.g. https://start.exactonline.nl (the country host of the Exact account). */
  baseUrl: string;
  division: number;
  clientId: string;
  clientSecret: string;
  /** The refresh token from the authorization; rotated on every refresh. */
  refreshToken: string;
  governors: GovernorRegistry;
  /** Per-attempt timeout. Default 10,000 ms. */
  timeoutMs?: number;
  /** Overall time per call, budget waits included. Default 15,000 ms. */
  deadlineMs?: number;
  /** Shared token state for several replicas (RedisTokenStore). Default: in memory. */
  tokenStore?: ExactTokenStore;
  /** Exact's limits per app and division. Default 60 per minute, 5,000 per day. */
  perMinute?: number;
  perDay?: number;
  /** Token timing, see ExactAuthOptions. Defaults: refresh 20 s before expiry, at most one per 570 s (Exact's rule). */
  refreshMarginMs?: number;
  minRefreshIntervalMs?: number;
  /** Epoch ms. Default Date.now (tests pin it together with the sandbox's). */
  clock?: () => number;
}

export type ODataQuery = Record<string, string | number | undefined>;

export interface ExactCallOptions {
  accounting?: CallAccounting;
  priority?: Priority;
}

export interface ExactClient {
  readonly division: number;
  readonly auth: ExactTokenManager;
  /** Longest URL (path + query, encoded) Exact accepts: 6,000 characters. */
  readonly maxUrlLength: number;
  /** The encoded length of the URL a `list` call would send, for sizing `$filter` chunks. */
  urlLength(entity: string, query: ODataQuery): number;
  /** GETs a collection and follows `d.__next` (sequentially, as Exact asks) until the last page; a `$top` query is one answer, `{"d":[…]}`. */
  list<T>(entity: string, query: ODataQuery, call?: ExactCallOptions): Promise<T[]>;
  close(): Promise<void>;
}

/** Misuse of createExactClient: lists every bad option (never its value when it is a secret). */
export class ExactClientOptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid Exact client options: ${problems.join('; ')}`);
    this.name = 'ExactClientOptionsError';
  }
}

const MAX_URL_LENGTH = 6000;
const MAX_PAGES = 1000;

function validate(o: ExactClientOptions): void {
  const problems: string[] = [];
  let url: URL | null = null;
  try {
    url = new URL(o.baseUrl);
  } catch {
    problems.push(`baseUrl must be an absolute http(s) URL such as https://start.exactonline.nl, got "${String(o.baseUrl)}"`);
  }
  if (url && !['http:', 'https:'].includes(url.protocol)) problems.push(`baseUrl must use http or https, got "${url.protocol}"`);
  if (!Number.isSafeInteger(o.division) || o.division < 1) problems.push(`division must be a positive whole number, got ${String(o.division)}`);
  for (const k of ['clientId', 'clientSecret', 'refreshToken'] as const) {
    if (typeof o[k] !== 'string' || o[k].trim() === '') problems.push(`${k} must be a non-empty string`);
  }
  if (!o.governors || typeof o.governors.governor !== 'function') problems.push('governors must be a GovernorRegistry');
  for (const k of ['timeoutMs', 'deadlineMs', 'perMinute', 'perDay'] as const) {
    const v = o[k];
    if (v !== undefined && (!Number.isFinite(v) || v <= 0)) problems.push(`${k} must be a positive number, got ${String(v)}`);
  }
  if (problems.length) throw new ExactClientOptionsError(problems);
}

/** Builds an Exact client; throws ExactClientOptionsError on bad options before any call. */
export function createExactClient(opts: ExactClientOptions): ExactClient {
  validate(opts);
  const base = opts.baseUrl.replace(/\/+$/, '');
  const apiBase = `${base}/api/v1/${opts.division}`;
  const governor = opts.governors.governor('exact', `${opts.clientId}:${opts.division}`, {
    kind: 'minute-and-day',
    perMinute: opts.perMinute ?? 60,
    perDay: opts.perDay ?? 5000,
  });
  // The token endpoint is metered per app and user (200 a day, one per 570 s), not per division,
  // so it gets its own governor and never spends the division's 60 a minute.
  const tokenGovernor = opts.governors.governor('exact', `${opts.clientId}:oauth`, { kind: 'minute-and-day', perMinute: 10, perDay: 200 });
  const common = { upstream: 'exact' as const, headers: () => ({}), timeoutMs: opts.timeoutMs, deadlineMs: opts.deadlineMs };
  const http = new UpstreamHttp({ ...common, baseUrl: apiBase, governor });
  const tokenHttp = new UpstreamHttp({ ...common, baseUrl: `${base}/api/oauth2`, governor: tokenGovernor, connections: 2 });
  const auth = new ExactTokenManager({
    http: tokenHttp,
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    division: opts.division,
    refreshToken: opts.refreshToken,
    store: opts.tokenStore,
    refreshMarginMs: opts.refreshMarginMs,
    minRefreshIntervalMs: opts.minRefreshIntervalMs,
    clock: opts.clock,
  });
  const apiPath = new URL(apiBase).pathname;
  const origin = new URL(apiBase).origin;

  const get = authorisedGet(http, auth);

  return {
    division: opts.division,
    auth,
    maxUrlLength: MAX_URL_LENGTH,
    urlLength(entity, query) {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.append(k, String(v));
      return `${apiPath}/${entity}?${qs.toString()}`.length;
    },
    list: <T>(entity: string, query: ODataQuery, call: ExactCallOptions = {}) => listAll<T>(get, { origin, apiPath }, entity, query, call),
    async close() {
      await Promise.all([http.close(), tokenHttp.close()]);
    },
  };
}

/**
 * The client for a validated config; null when Exact is not configured. With several replicas
 * pass a RedisTokenStore, so that they share one rotating refresh token.
 */
export function exactClientFromConfig(
  cfg: ExactConfig | undefined,
  governors: GovernorRegistry,
  extra: { tokenStore?: ExactTokenStore; timeoutMs?: number; deadlineMs?: number } = {},
): ExactClient | null {
  return cfg ? createExactClient({ ...cfg, governors, ...extra }) : null;
}

type Get = <T>(path: string, query: ODataQuery, call: ExactCallOptions) => Promise<T>;

/** A GET with the current access token; a 401 refreshes the token once and tries again. */
function authorisedGet(http: UpstreamHttp, auth: ExactTokenManager): Get {
  return async <T>(path: string, query: ODataQuery, call: ExactCallOptions): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      const token = await auth.accessToken();
      try {
        const res = await http.request<T>({
          path,
          query,
          accounting: call.accounting,
          priority: call.priority,
          headers: { authorization: `Bearer ${token}` },
        });
        return res.json;
      } catch (err) {
        // One refresh and one more try: a second 401 means the new token is refused too.
        if (attempt === 0 && err instanceof UpstreamError && err.status === 401) {
          auth.invalidate(token);
          continue;
        }
        throw err;
      }
    }
  };
}

/** GETs a collection and follows `d.__next` page by page (sequentially, as Exact asks), at most MAX_PAGES. */
async function listAll<T>(get: Get, api: { origin: string; apiPath: string }, entity: string, query: ODataQuery, call: ExactCallOptions): Promise<T[]> {
  const out: T[] = [];
  let path = `/${entity}`;
  let q: ODataQuery = query;
  for (let page = 0; page < MAX_PAGES; page++) {
    const body = await get<ExactCollection<T>>(path, q, call);
    const d = body?.d;
    // A `$top` query is answered `{"d":[…]}`, without `results` and without a next page.
    if (Array.isArray(d)) return [...out, ...d];
    if (!d || !Array.isArray(d.results)) throw new UpstreamError('exact', 502, `Exact answered ${entity} without d.results.`);
    out.push(...d.results);
    if (!d.__next) return out;
    ({ path, q } = nextPage(d.__next, api.origin, api.apiPath, entity));
  }
  throw new UpstreamError('exact', 502, `Exact returned more than ${MAX_PAGES} pages for ${entity}; narrow the $filter.`);
}

/** Turns a `__next` URL into a path and query for UpstreamHttp; refuses another host (it would get our token). */
function nextPage(next: string, origin: string, apiPath: string, entity: string): { path: string; q: ODataQuery } {
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    throw new UpstreamError('exact', 502, `Exact sent an unreadable __next link for ${entity}.`);
  }
  if (url.origin !== origin || !url.pathname.startsWith(`${apiPath}/`)) {
    throw new UpstreamError('exact', 502, `Exact sent a __next link for ${entity} outside ${apiPath}; it was not followed.`);
  }
  return { path: url.pathname.slice(apiPath.length), q: Object.fromEntries(url.searchParams) };
}
