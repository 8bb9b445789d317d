import type { Upstream } from '../../../errors';

/**
 * The contract between the upstream HTTP client and the rate-limit governor.
 * Every upstream call asks `acquire` first and reports the answer with `observe`; there is no
 * other way to reach an upstream (see http.ts). Implementations live beside this file.
 */

/** Live GraphQL traffic is served before background work (warm-ups, syncs, stock push). */
export type Priority = 'live' | 'background';

export interface AcquireRequest {
  /** Budget units the call spends: 1 for a REST request; for Shopify the requested query cost. */
  cost: number;
  /** Default 'live'. */
  priority: Priority;
  /** Epoch ms. A call still waiting then fails with RateLimitedError. */
  deadline: number;
  signal?: AbortSignal;
}

export interface Permit {
  /** How long this call waited for budget, for `extensions.upstream` and metrics. */
  waitedMs: number;
  /**
   * When the budget store admitted the call, in epoch ms on the store's clock (Redis's TIME for a
   * shared budget). Windows are counted on that clock, so this is the time to check them against:
   * the moment a caller sees the permit can be any amount later on a busy machine.
   */
  admittedAt: number;
}

/** Shopify's `extensions.cost`, as the GraphQL Admin API returns it. */
export interface ShopifyCostFeedback {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

/** What an upstream said about our budget in one response. */
export interface ResponseFeedback {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  /** Shopify GraphQL only. */
  cost?: ShopifyCostFeedback;
  /** Shopify answers THROTTLED in a 200 body; treat it like a 429. */
  throttled?: boolean;
}

export interface GovernorStats {
  upstream: Upstream;
  /** A hash of the credential, never the credential itself. */
  credential: string;
  /** 'redis' | 'memory' | 'fallback' (Redis configured but unreachable: local conservative share). */
  mode: 'redis' | 'memory' | 'fallback';
  /**
   * Current budget per window (Picqer/Exact: requests per minute; Shopify: bucket size;
   * multi-window: the window closest to full, every window in `windows`).
   */
  limit: number;
  /** Spent in the current window (or bucket points in use). */
  used: number;
  /** Multi-window models only: each window's limit and usage, in the model's order. */
  windows?: WindowStats[];
  queued: number;
  waitedMsTotal: number;
  upstream429: number;
  rateLimited: number;
  calls: number;
}

export interface Governor {
  readonly upstream: Upstream;
  /** Waits for budget; rejects with RateLimitedError at the deadline. */
  acquire(req: AcquireRequest): Promise<Permit>;
  /**
   * Feeds back an upstream's answer: rate-limit headers, Shopify cost, 429s. Resolves once the
   * budget store(s) have it; never rejects (a Redis failure falls back). Callers that need not
   * wait use `void`.
   */
  observe(feedback: ResponseFeedback): Promise<void>;
  /**
   * Pauses the whole credential (after a 429), for every replica. Resolves once the pause is
   * recorded in the store(s), so a caller that goes on knows every replica now holds back; never
   * rejects.
   */
  pause(ms: number): Promise<void>;
  stats(): GovernorStats;
  /** Told of every HTTP attempt made under this governor's budget (http.ts), for metrics; see GovernorRegistry.onCall. */
  reportCall?(report: CallReport): void;
  close(): Promise<void>;
}

/** One HTTP attempt to an upstream, as the client reports it for metrics. */
export interface CallReport {
  upstream: Upstream;
  /** The answer's status; undefined when none came (connection failed, timed out). */
  status?: number;
  /** From sending the request to reading the whole answer. */
  seconds: number;
  /** How long the attempt waited for budget before it was sent. */
  waitedSeconds: number;
}

/** How an upstream meters its budget. */
export type BudgetModel =
  /** Picqer: N requests per rolling minute per API key; N re-read from X-RateLimit-Limit. */
  | { kind: 'requests-per-minute'; limit: number }
  /** Shopify GraphQL: leaky bucket of cost points per app+shop; size and rate re-read from throttleStatus. */
  | { kind: 'cost-bucket'; size: number; restorePerSecond: number }
  /** Exact Online: per calendar minute and per day, per app+division; re-read from X-RateLimit-* headers. */
  | { kind: 'minute-and-day'; perMinute: number; perDay: number }
  /**
   * Several sliding windows at once (Lightspeed: 5 minutes, an hour, a day); a call goes only when
   * every window has room. Value i of a multi-value X-RateLimit-Limit / -Remaining re-syncs
   * windows[i], so list windows in the upstream's header order (see models.ts).
   */
  | { kind: 'multi-window'; windows: readonly WindowLimit[] };

export type MultiWindowModel = Extract<BudgetModel, { kind: 'multi-window' }>;

/** One window of a multi-window model. */
export interface WindowLimit {
  /** Requests per window until the upstream's headers say otherwise. */
  limit: number;
  /** The window's length, counted sliding (stricter than a fixed window of the same length). Distinct per model. */
  windowMs: number;
}

/** One window's figures, as stats() and the metrics report them. */
export interface WindowStats {
  windowMs: number;
  limit: number;
  used: number;
}

/** One governor per (upstream, credential); all replicas sharing a Redis share each budget. */
export interface GovernorRegistry {
  /** The governor for this credential, created on first use. `credential` is hashed before use as a key. */
  governor(upstream: Upstream, credential: string, model: BudgetModel): Governor;
  stats(): GovernorStats[];
  /** Adds a listener told of every HTTP attempt under any of the registry's governors (metrics); returns its removal. */
  onCall(listener: (report: CallReport) => void): () => void;
  close(): Promise<void>;
}
