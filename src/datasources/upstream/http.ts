import { createHash } from 'node:crypto';
import { Pool, errors as undiciErrors } from 'undici';
import type { Upstream } from '../../errors';
import { RateLimitedError, UpstreamUnavailableError, upstreamStatusError } from '../../errors';
import { inSpan, injectTraceHeaders, type TraceSpan } from '../../util/tracing';
import type { CallAccounting } from './accounting';
import type { Governor, Priority, ShopifyCostFeedback } from './governor/governor.types';

/**
 * The one HTTP path to an upstream. Every call here goes through the governor (budget first,
 * feedback after), is retried in exactly one place with bounded, explicit rules, and fails with
 * an error from errors.ts that never carries a token or a raw body.
 */

export interface UpstreamHttpOptions {
  upstream: Upstream;
  /** e.g. https://shop.picqer.com — path prefixes belong to the caller. */
  baseUrl: string;
  governor: Governor;
  /** Headers on every call (auth, User-Agent). Never logged. */
  headers: () => Record<string, string> | Promise<Record<string, string>>;
  /** Per-attempt time for the response headers and body. Default 10,000 ms. */
  timeoutMs?: number;
  /** How long a call may wait overall (budget + retries) before RATE_LIMITED. Default 15,000 ms. */
  deadlineMs?: number;
  /** Retries of an idempotent call on 5xx/timeouts/connection errors. Default 2. */
  maxRetries?: number;
  /** Retries after a 429 / THROTTLED, any method (the upstream ignored the call). Default 4. */
  max429Retries?: number;
  /** Upper bound of a Retry-After we obey; longer pauses fail the call with RATE_LIMITED. Default 60,000 ms. */
  maxRetryAfterMs?: number;
  /** Keep-alive connections per upstream. Default 16. */
  connections?: number;
}

export interface UpstreamRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path with a leading slash, appended to baseUrl. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Default: true for GET, false otherwise. Only idempotent calls retry on 5xx and timeouts. */
  idempotent?: boolean;
  priority?: Priority;
  /** Budget units: 1 unless the upstream prices calls (Shopify query cost). */
  cost?: number;
  accounting?: CallAccounting;
  /** Reads budget feedback from a JSON body (Shopify `extensions.cost`, THROTTLED). */
  inspect?: (json: unknown) => { cost?: ShopifyCostFeedback; throttled?: boolean };
  /** Extra headers for this call only (e.g. a fresh OAuth token). */
  headers?: Record<string, string>;
}

export interface UpstreamResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: T;
}

/** A jittered exponential backoff: 200 ms, 400 ms, 800 ms … capped at 5 s (min, not max). */
export function backoffMs(attempt: number): number {
  const base = Math.min(5000, 200 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

/** Retry-After is seconds (or an HTTP date), never milliseconds; returns ms or undefined. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs) && secs >= 0) return Math.ceil(secs * 1000);
  const date = Date.parse(v);
  if (Number.isFinite(date)) return Math.max(0, date - now);
  return undefined;
}

export class UpstreamHttp {
  readonly upstream: Upstream;
  private readonly pool: Pool;
  private readonly inFlight = new Map<string, Promise<UpstreamResponse>>();
  private readonly o: Required<Omit<UpstreamHttpOptions, 'headers' | 'governor' | 'upstream' | 'baseUrl'>>;

  constructor(private readonly opts: UpstreamHttpOptions) {
    this.upstream = opts.upstream;
    const url = new URL(opts.baseUrl);
    this.o = {
      timeoutMs: opts.timeoutMs ?? 10_000,
      deadlineMs: opts.deadlineMs ?? 15_000,
      maxRetries: opts.maxRetries ?? 2,
      max429Retries: opts.max429Retries ?? 4,
      maxRetryAfterMs: opts.maxRetryAfterMs ?? 60_000,
      connections: opts.connections ?? 16,
    };
    this.pool = new Pool(url.origin, {
      connections: this.o.connections,
      headersTimeout: this.o.timeoutMs,
      bodyTimeout: this.o.timeoutMs,
      keepAliveTimeout: 30_000,
      // A runaway answer fails the call instead of filling memory (Picqer pages are ~100 KB).
      maxResponseSize: 32 * 1024 * 1024,
    });
    this.basePath = url.pathname.replace(/\/$/, '');
  }
  private readonly basePath: string;

  /**
   * Sends one call. Identical GETs already in flight (from any GraphQL request) are joined,
   * not sent again: the joiner's accounting records it as `shared`.
   */
  async request<T = unknown>(req: UpstreamRequest): Promise<UpstreamResponse<T>> {
    const method = req.method ?? 'GET';
    const path = this.buildPath(req.path, req.query);
    if (method !== 'GET' || req.body !== undefined) {
      req.accounting?.admit(this.upstream);
      return (await this.send(method, path, req)) as UpstreamResponse<T>;
    }
    // Only truly identical calls share: same request, same per-call headers (a fresh OAuth token
    // must not join a call sent with the stale one) and same priority (a live call must not wait
    // at background priority behind a warm-up's identical call).
    const priority = req.priority ?? req.accounting?.priority ?? 'live';
    const headers = req.headers
      ? createHash('sha256')
          .update(JSON.stringify(Object.entries(req.headers).sort()))
          .digest('base64url')
      : '';
    const key = `${priority} ${method} ${path} ${req.cost ?? 1} ${headers}`;
    const existing = this.inFlight.get(key);
    if (existing) {
      req.accounting?.recordShared(this.upstream);
      return (await existing) as UpstreamResponse<T>;
    }
    // Counted against this request's call bound only when it sends (a joiner sends nothing), so
    // a request over its bound never fails another that joined its call.
    req.accounting?.admit(this.upstream);
    const p = this.send(method, path, req).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return (await p) as UpstreamResponse<T>;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private buildPath(path: string, query?: UpstreamRequest['query']): string {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) qs.append(k, String(v));
    const s = qs.toString();
    return `${this.basePath}${path}${s ? `?${s}` : ''}`;
  }

  /** One span per call (retries included) under the active one; its traceparent goes upstream with each attempt. */
  private send(method: string, path: string, req: UpstreamRequest): Promise<UpstreamResponse> {
    const attributes = { 'gateway.upstream': this.upstream, 'http.request.method': method, 'url.path': path.split('?')[0] };
    return inSpan(`${this.upstream} ${method}`, { kind: 'client', attributes }, (span) => this.sendAttempts(method, path, req, span));
  }

  private async sendAttempts(method: string, path: string, req: UpstreamRequest, span: TraceSpan): Promise<UpstreamResponse> {
    const idempotent = req.idempotent ?? method === 'GET';
    const deadline = Date.now() + this.o.deadlineMs;
    let faults = 0;
    let throttles = 0;
    for (;;) {
      const permit = await this.opts.governor.acquire({
        cost: req.cost ?? 1,
        priority: req.priority ?? req.accounting?.priority ?? 'live',
        deadline,
      });
      req.accounting?.recordCall(this.upstream, permit.waitedMs);
      span.event('governor.admitted', { 'gateway.governor.waited_seconds': permit.waitedMs / 1000 });
      let res: UpstreamResponse;
      const sentAt = performance.now();
      const report = (status?: number): void =>
        this.opts.governor.reportCall?.({
          upstream: this.upstream,
          status,
          seconds: (performance.now() - sentAt) / 1000,
          waitedSeconds: permit.waitedMs / 1000,
        });
      try {
        res = await this.attempt(method, path, req);
        report(res.status);
        span.setAttributes({ 'http.response.status_code': res.status });
      } catch (err) {
        report(undefined);
        // Connection refused, reset or timed out: the upstream may or may not have acted.
        if (idempotent && faults < this.o.maxRetries && Date.now() + backoffMs(faults) < deadline) {
          await sleep(backoffMs(faults++));
          continue;
        }
        throw new UpstreamUnavailableError(this.upstream, describeNetworkError(err));
      }
      const extra = req.inspect && res.status < 500 ? req.inspect(res.json) : {};
      void this.opts.governor.observe({ status: res.status, headers: res.headers, ...extra });
      if (res.status === 429 || extra.throttled) {
        // The upstream ignored the call, so any method may be sent again once the pause is over.
        const wait = parseRetryAfter(res.headers['retry-after']) ?? backoffMs(throttles + 2);
        // Pause first: even a call that gives up here must hold back every other call on this
        // credential, and once the pause is recorded every replica does.
        await this.opts.governor.pause(Math.min(wait, this.o.maxRetryAfterMs));
        if (wait > this.o.maxRetryAfterMs || throttles >= this.o.max429Retries || Date.now() + wait > deadline) {
          throw new RateLimitedError(this.upstream, wait);
        }
        throttles++;
        continue;
      }
      if (res.status >= 500 && idempotent && faults < this.o.maxRetries && Date.now() + backoffMs(faults) < deadline) {
        await sleep(backoffMs(faults++));
        continue;
      }
      if (res.status >= 400) throw upstreamStatusError(this.upstream, res.status);
      return res;
    }
  }

  private async attempt(method: string, path: string, req: UpstreamRequest): Promise<UpstreamResponse> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(await this.opts.headers()),
      ...(req.headers ?? {}),
    };
    injectTraceHeaders(headers);
    let body: string | undefined;
    if (req.body !== undefined) {
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      headers['content-type'] ??= 'application/json';
    }
    const r = await this.pool.request({ method, path, headers, body });
    const text = await r.body.text();
    let json: unknown = null;
    if (text.length > 0) {
      try {
        json = JSON.parse(text);
      } catch {
        // A non-JSON body (an HTML error page from a proxy, say) is kept out of errors and logs.
        json = null;
        if (r.statusCode < 400) return { status: 502, headers: r.headers, json: null };
      }
    }
    return { status: r.statusCode, headers: r.headers, json };
  }
}

function describeNetworkError(err: unknown): string {
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) return 'timed out';
  if (err instanceof undiciErrors.ConnectTimeoutError) return 'connect timed out';
  const code = (err as { code?: string })?.code;
  return code ? `connection failed (${code})` : 'connection failed';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
