import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { acceptsJson, toAtom } from './atom';
import { buildExactData, type ExactEntitySet } from './data';
import { SandboxErrorLimit } from './error-limit';
import { SandboxLimits } from './limits';
import { SandboxOAuth } from './oauth';
import { exactError, queryEntitySet, type RestAnswer, type SelectRule } from './rest';
import type { SandboxRequests } from '../requests';

/**
 * An Exact Online emulator for tests, benchmarks and sandbox mode: OAuth2 refresh with rotating
 * refresh tokens (200 token calls a day), bearer auth, per-minute and per-day limits with
 * X-RateLimit-* headers, the key blocked after more than 10 errors an hour, OData
 * `$filter`/`$select`/`$top`/`$skiptoken` on `logistics/Items` and `inventory/ItemWarehouses`
 * (`$select` or `$top` demanded, `$top` answered as `{"d":[…]}`), JSON only for
 * `Accept: application/json` (Atom XML otherwise), and a control surface under `/__sandbox/`.
 * See src/sandbox/README.md, section "Exact".
 */

export interface ExactSandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Default 1234567. */
  division?: number;
  /** Default 'sandbox-exact-client'. */
  clientId?: string;
  /** Default 'sandbox-exact-secret'. */
  clientSecret?: string;
  /** The refresh token the app starts with. Default 'sandbox-exact-refresh-0'. */
  refreshToken?: string;
  /** Default 600 (Exact: 10 minutes). */
  accessTokenTtlSeconds?: number;
  /** A new token is refused this soon after the previous one. Default 570 (Exact). */
  minRefreshIntervalSeconds?: number;
  /** Default 60 per calendar minute. */
  minutelyLimit?: number;
  /** Default 5,000 per day. */
  dailyLimit?: number;
  /** Rows per page on regular endpoints. Default 60. */
  pageSize?: number;
  /** Longest accepted URL (path + query, encoded). Default 6,000. */
  maxUrlLength?: number;
  /** Status for a longer URL. Default 414 (UNCONFIRMED: Exact may answer 400). */
  urlTooLongStatus?: number;
  /** Demo catalog size and seed (src/sandbox/catalog.ts). */
  products?: number;
  seed?: number;
  /** Delay before every answer. Default 0. */
  latencyMs?: number;
  /** Errors (400/401/403/404) per app, division, endpoint and hour before the key is blocked. Default 10 (Exact). */
  maxErrorsPerHour?: number;
  /** Length of the first block; each further one doubles (UNCONFIRMED growth). Default 3,600 (Exact: one hour). */
  errorBlockSeconds?: number;
  /** Status of a call from a blocked key. Default 429 (UNCONFIRMED). */
  errorBlockStatus?: number;
  /** Token endpoint calls per app per day. Default 200 (Exact). */
  tokenCallsPerDay?: number;
  /** Status of a token call past that cap. Default 400 (UNCONFIRMED). */
  tokenLimitStatus?: number;
  /** Collection queries without `$select` or `$top`: refused ('select-or-top', default) or served ('off'). */
  requireSelect?: SelectRule;
  /** Answer JSON to a call without `Accept: application/json` (Exact answers Atom XML). Default false. */
  jsonWithoutAccept?: boolean;
  /** Clock in epoch ms (tests pin it so a calendar minute cannot roll over mid-test). Default Date.now. */
  clock?: () => number;
}

/** A scripted failure: the next `count` API calls whose path contains `path` answer `status`. */
export interface ExactFault {
  status: number;
  count: number;
  path?: string;
}

export interface ExactSandboxStats {
  total: number;
  byPath: Record<string, number>;
  byStatus: Record<string, number>;
  tokenRefreshes: number;
  tokenRequests: number;
  served429: number;
  /** Calls refused because the key was blocked for too many errors. */
  blocked: number;
  /** The last 500 API calls (not token calls): path and decoded query, for asserting batching. */
  calls: Array<{ path: string; query: Record<string, string>; status: number; urlLength: number }>;
}

export interface ExactSandboxState {
  settings: Required<
    Pick<
      ExactSandboxOptions,
      | 'accessTokenTtlSeconds'
      | 'minRefreshIntervalSeconds'
      | 'minutelyLimit'
      | 'dailyLimit'
      | 'pageSize'
      | 'maxUrlLength'
      | 'urlTooLongStatus'
      | 'latencyMs'
      | 'maxErrorsPerHour'
      | 'errorBlockSeconds'
      | 'errorBlockStatus'
      | 'tokenCallsPerDay'
      | 'tokenLimitStatus'
    >
  >;
  /** The two settings that are not numbers. */
  rules: { requireSelect: SelectRule; jsonWithoutAccept: boolean };
  faults: ExactFault[];
  oauth: SandboxOAuth;
  limits: SandboxLimits;
  errorLimit: SandboxErrorLimit;
  sets: ExactEntitySet[];
  stats: ExactSandboxStats;
}

export interface ExactSandbox {
  origin: string;
  /** What the client calls `baseUrl` (Exact: https://start.exactonline.nl). */
  baseUrl: string;
  division: number;
  clientId: string;
  clientSecret: string;
  /** The initial refresh token; after a refresh the current one is `state.oauth.refreshToken`. */
  refreshToken: string;
  state: ExactSandboxState;
  /** Every API call (refused ones included), not the OAuth token calls; zeroed by POST /__sandbox/reset. */
  requests(): SandboxRequests;
  close(): Promise<void>;
}

function emptyStats(): ExactSandboxStats {
  return { total: 0, byPath: {}, byStatus: {}, tokenRefreshes: 0, tokenRequests: 0, served429: 0, blocked: 0, calls: [] };
}

/** Starts the emulator; call `close()` when done (tests: in afterAll). */
export async function startExactSandbox(opts: ExactSandboxOptions = {}): Promise<ExactSandbox> {
  const division = opts.division ?? 1234567;
  const clientId = opts.clientId ?? 'sandbox-exact-client';
  const clientSecret = opts.clientSecret ?? 'sandbox-exact-secret';
  const initialRefresh = opts.refreshToken ?? 'sandbox-exact-refresh-0';
  const clock = opts.clock ?? Date.now;
  const defaults: ExactSandboxState['settings'] = {
    accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? 600,
    minRefreshIntervalSeconds: opts.minRefreshIntervalSeconds ?? 570,
    minutelyLimit: opts.minutelyLimit ?? 60,
    dailyLimit: opts.dailyLimit ?? 5000,
    pageSize: opts.pageSize ?? 60,
    maxUrlLength: opts.maxUrlLength ?? 6000,
    urlTooLongStatus: opts.urlTooLongStatus ?? 414,
    latencyMs: opts.latencyMs ?? 0,
    maxErrorsPerHour: opts.maxErrorsPerHour ?? 10,
    errorBlockSeconds: opts.errorBlockSeconds ?? 3600,
    errorBlockStatus: opts.errorBlockStatus ?? 429,
    tokenCallsPerDay: opts.tokenCallsPerDay ?? 200,
    tokenLimitStatus: opts.tokenLimitStatus ?? 400,
  };
  const defaultRules: ExactSandboxState['rules'] = { requireSelect: opts.requireSelect ?? 'select-or-top', jsonWithoutAccept: opts.jsonWithoutAccept ?? false };
  const settings = { ...defaults };
  const rules = { ...defaultRules };
  const state: ExactSandboxState = {
    settings,
    rules,
    faults: [],
    oauth: new SandboxOAuth(clientId, clientSecret, initialRefresh, () => settings, clock),
    limits: new SandboxLimits(() => settings, clock),
    errorLimit: new SandboxErrorLimit(() => settings, clock),
    sets: buildExactData(division, { products: opts.products, seed: opts.seed }),
    stats: emptyStats(),
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { error: 'sandbox failure' });
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, origin);
    const body = await readBody(req);
    if (settings.latencyMs > 0) await new Promise((r) => setTimeout(r, settings.latencyMs));
    if (url.pathname.startsWith('/__sandbox/')) return control(url.pathname.slice('/__sandbox/'.length), req.method ?? 'GET', body, res);
    if (url.pathname === '/api/oauth2/token' && req.method === 'POST') {
      state.stats.tokenRequests++;
      const before = state.oauth.refreshes;
      const a = state.oauth.token(new URLSearchParams(body));
      state.stats.tokenRefreshes += state.oauth.refreshes - before;
      return send(res, a.status, a.body, a.headers);
    }
    const answer = api(req, url, rawUrl.length);
    if (answer.blocked) state.stats.blocked++;
    state.stats.total++;
    state.stats.byPath[url.pathname] = (state.stats.byPath[url.pathname] ?? 0) + 1;
    state.stats.byStatus[answer.status] = (state.stats.byStatus[answer.status] ?? 0) + 1;
    if (answer.status === 429) state.stats.served429++;
    state.stats.calls.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), status: answer.status, urlLength: rawUrl.length });
    if (state.stats.calls.length > 500) state.stats.calls.shift();
    if (rules.jsonWithoutAccept || acceptsJson(req.headers.accept)) return send(res, answer.status, answer.body, answer.headers);
    const atom = toAtom(answer.body);
    sendText(res, answer.status, atom.contentType, atom.xml, answer.headers);
  };

  type ApiAnswer = RestAnswer & { headers?: Record<string, string>; blocked?: boolean };

  /** One API call, then Exact's error count for the app that made it (401 with a token it was issued, 400, 403, 404). */
  const api = (req: IncomingMessage, url: URL, urlLength: number): ApiAnswer => {
    if (urlLength > settings.maxUrlLength) {
      return exactError(settings.urlTooLongStatus, `The URL is ${urlLength} characters; at most ${settings.maxUrlLength} are accepted`);
    }
    const m = /^\/api\/v1\/(\d+|current)\/(.+?)(?:\((.*)\))?$/.exec(url.pathname);
    if (!m) return exactError(404, 'Unknown endpoint');
    const auth = req.headers.authorization;
    const bearer = auth?.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : undefined;
    const answer = routeApi(req, url, m, bearer);
    // Only calls Exact can put on an API key count: a token it issued (expired or not).
    if (state.oauth.issued(bearer) && !answer.blocked) state.errorLimit.record(clientId, m[1], m[2], answer.status);
    return answer;
  };

  /** Auth, the error block, division, limits, faults, then the entity set. */
  const routeApi = (req: IncomingMessage, url: URL, m: RegExpExecArray, bearer: string | undefined): ApiAnswer => {
    if (!state.oauth.valid(bearer)) return { ...exactError(401, 'Unauthorized'), headers: { 'www-authenticate': 'Bearer' } };
    const blockedUntil = state.errorLimit.blockedUntil(clientId);
    if (blockedUntil !== null) {
      const msg = `API key blocked after more than ${settings.maxErrorsPerHour} errors in an hour; blocked until ${new Date(blockedUntil).toISOString()}`;
      return { ...exactError(settings.errorBlockStatus, msg), blocked: true };
    }
    if (m[1] === 'current') {
      // current/Me carries no division and does not count toward the limits (Exact FAQ).
      return { status: 200, body: { d: { results: [{ CurrentDivision: division }] } } };
    }
    if (Number(m[1]) !== division) return exactError(403, 'No access to this division');
    const verdict = state.limits.take(`${clientId}:${division}`);
    if (!verdict.allowed) return { ...exactError(429, 'Too many requests'), headers: verdict.headers };
    const fault = state.faults.find((f) => f.count > 0 && (!f.path || url.pathname.includes(f.path)));
    if (fault) {
      fault.count--;
      return { ...exactError(fault.status, 'Scripted sandbox fault'), headers: verdict.headers };
    }
    if (req.method !== 'GET') return { ...exactError(405, 'The sandbox serves GET only'), headers: verdict.headers };
    const set = state.sets.find((s) => s.path.toLowerCase() === m[2].toLowerCase());
    if (!set) return { ...exactError(404, `Unknown endpoint ${m[2]}`), headers: verdict.headers };
    return { ...queryEntitySet(set, url, m[3] ?? null, settings.pageSize, rules.requireSelect), headers: verdict.headers };
  };

  const control = (path: string, method: string, body: string, res: ServerResponse): void => {
    if (path === 'stats' && method === 'GET') return send(res, 200, state.stats);
    if (method !== 'POST') return send(res, 405, { error: 'control endpoints other than stats take POST' });
    let input: Record<string, unknown> = {};
    try {
      input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      return send(res, 400, { error: 'the control body must be JSON' });
    }
    switch (path) {
      case 'reset':
        Object.assign(settings, defaults);
        Object.assign(rules, defaultRules);
        state.faults.length = 0;
        state.oauth.reset(initialRefresh);
        state.limits.reset();
        state.errorLimit.reset();
        state.stats = emptyStats();
        return send(res, 200, { ok: true });
      case 'config': {
        for (const k of Object.keys(defaults) as Array<keyof typeof defaults>) {
          const v = input[k];
          if (v === undefined) continue;
          if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return send(res, 400, { error: `${k} must be a number >= 0` });
          settings[k] = v;
        }
        if (input.requireSelect !== undefined) {
          if (input.requireSelect !== 'select-or-top' && input.requireSelect !== 'off')
            return send(res, 400, { error: `requireSelect must be "select-or-top" or "off"` });
          rules.requireSelect = input.requireSelect;
        }
        if (input.jsonWithoutAccept !== undefined) {
          if (typeof input.jsonWithoutAccept !== 'boolean') return send(res, 400, { error: 'jsonWithoutAccept must be true or false' });
          rules.jsonWithoutAccept = input.jsonWithoutAccept;
        }
        if (Array.isArray(input.faults)) state.faults.push(...(input.faults as ExactFault[]));
        if (input.expireTokens === true) state.oauth.expireNow();
        if (input.revokeRefreshToken === true) state.oauth.revoke();
        return send(res, 200, { settings, rules, faults: state.faults });
      }
      case 'tokens/expire':
        state.oauth.expireNow();
        return send(res, 200, { ok: true });
      case 'tokens/revoke':
        state.oauth.revoke();
        return send(res, 200, { ok: true });
      default:
        return send(res, 404, { error: `unknown control endpoint /__sandbox/${path}` });
    }
  };

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const origin = `http://${host}:${addr.port}`;
  return {
    origin,
    baseUrl: origin,
    division,
    clientId,
    clientSecret,
    refreshToken: initialRefresh,
    state,
    requests: () => ({ total: state.stats.total, byStatus: { ...state.stats.byStatus } }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
}

function sendText(res: ServerResponse, status: number, contentType: string, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
