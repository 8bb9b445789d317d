import { createHash } from 'node:crypto';
import type { Upstream } from '../../../errors';
import type { BudgetModel, CallReport, Governor, GovernorRegistry, GovernorStats, WindowLimit } from './governor.types';
import { createMemoryBudget } from './budget.memory';
import { RedisBudget } from './budget.redis';
import type { WindowSettings } from './budget.types';
import { QueuedGovernor, type BudgetBackends } from './governor';
import { RedisLink, type GovernorLogger } from './redis-link';

export { LIGHTSPEED_ECOM_WINDOWS, lightspeedEcomModel, lightspeedRetailXModel, shortenWindows } from './models';

/**
 * The rate-limit governor: one budget per upstream credential, shared by every replica through
 * Redis (or in memory for a single process). See README.md, "Rate limits".
 */

export interface GovernorRegistryOptions {
  /** With it, replicas on the same Redis and prefix share every budget. Without it: memory. */
  redisUrl?: string;
  /** Prefix of every Redis key, e.g. "pgw:gov:" (tests use one per file). Keys are `${keyPrefix}{upstream:hash}:state|admitted`. */
  keyPrefix: string;
  logger?: GovernorLogger;
  /** Sliding window of the requests-per-minute model (Picqer). Default 60,000 ms. */
  windowMs?: number;
  /** Exact's short window, aligned to the clock like a calendar minute. Default 60,000 ms. */
  minuteMs?: number;
  /** Exact's long window, aligned to UTC midnight until X-RateLimit-Reset says otherwise. Default 86,400,000 ms. */
  dayMs?: number;
  /**
   * Allowance for the time between admission and the upstream counting the call: a sliding-window
   * slot is reused this long after it left the window, and a fixed window admits nothing in its
   * last `marginMs`. Default 250 ms.
   */
  marginMs?: number;
  /**
   * Share of each budget a replica uses on its own while Redis is unreachable (1 / the replicas
   * you expect). Default 0.25.
   */
  fallbackShare?: number;
  /** Redis command timeout; past it a call is decided from the fallback share. Default 500 ms. */
  redisCommandTimeoutMs?: number;
  /** How long the first calls wait for the first Redis connection before falling back. Default 2,000 ms. */
  redisConnectWaitMs?: number;
  /**
   * Epoch ms for every budget window and queue. Default: Redis's TIME inside the scripts (so
   * replicas with drifting clocks agree) and Date.now() in memory. Tests inject a clock they
   * move by hand, so windows do not depend on how fast the machine is; replicas sharing a Redis
   * must then share the clock.
   */
  clock?: () => number;
}

/** The hash that names a credential in keys, logs and metrics (never the credential itself). */
export function credentialHash(upstream: Upstream, credential: string): string {
  return createHash('sha256').update(`${upstream}\0${credential}`).digest('hex').slice(0, 16);
}

/** Builds the registry; validates its options first. */
export function createGovernorRegistry(opts: GovernorRegistryOptions): GovernorRegistry {
  const o = resolveOptions(opts);
  const link = opts.redisUrl ? new RedisLink(opts.redisUrl, opts.logger, o.commandTimeoutMs, o.connectWaitMs) : undefined;
  const govs = new Map<string, QueuedGovernor>();
  const clock = opts.clock ?? Date.now;
  const callListeners = new Set<(report: CallReport) => void>();
  const reportCall = (report: CallReport): void => {
    for (const l of callListeners) l(report);
  };
  let closed = false;
  return {
    governor(upstream: Upstream, credential: string, model: BudgetModel): Governor {
      if (closed) throw new Error('governor(): the registry is closed');
      validateModel(model);
      const hash = credentialHash(upstream, credential);
      const id = `${upstream}:${hash}`;
      let g = govs.get(id);
      if (!g) {
        const backends: BudgetBackends = link
          ? {
              kind: 'redis',
              link,
              store: new RedisBudget(model, link, `${opts.keyPrefix}{${id}}`, o.windows, opts.clock),
              fallback: createMemoryBudget(model, o.windows, o.fallbackShare, clock),
            }
          : { kind: 'memory', store: createMemoryBudget(model, o.windows, 1, clock) };
        g = new QueuedGovernor(upstream, hash, model, backends, clock);
        g.reportCall = reportCall;
        govs.set(id, g);
      }
      return g;
    },
    stats(): GovernorStats[] {
      return [...govs.values()].map((g) => g.stats());
    },
    onCall(listener) {
      callListeners.add(listener);
      return () => void callListeners.delete(listener);
    },
    async close(): Promise<void> {
      closed = true;
      await Promise.all([...govs.values()].map((g) => g.close()));
      await link?.close();
    },
  };
}

function resolveOptions(opts: GovernorRegistryOptions): { windows: WindowSettings; fallbackShare: number; commandTimeoutMs: number; connectWaitMs: number } {
  const problems: string[] = [];
  const positive = (name: string, v: number | undefined, dflt: number, min = 1): number => {
    if (v === undefined) return dflt;
    if (!Number.isFinite(v) || v < min) problems.push(`${name} must be a number >= ${min}, got ${v}`);
    return v;
  };
  if (typeof opts.keyPrefix !== 'string') problems.push(`keyPrefix must be a string, got ${typeof opts.keyPrefix}`);
  if (opts.clock !== undefined && typeof opts.clock !== 'function') problems.push(`clock must be a function returning epoch ms, got ${typeof opts.clock}`);
  const windows: WindowSettings = {
    windowMs: positive('windowMs', opts.windowMs, 60_000),
    minuteMs: positive('minuteMs', opts.minuteMs, 60_000),
    dayMs: positive('dayMs', opts.dayMs, 86_400_000),
    marginMs: positive('marginMs', opts.marginMs, 250, 0),
  };
  const share = opts.fallbackShare ?? 0.25;
  if (!(share > 0 && share <= 1)) problems.push(`fallbackShare must be in (0, 1], got ${share}`);
  const commandTimeoutMs = positive('redisCommandTimeoutMs', opts.redisCommandTimeoutMs, 500);
  const connectWaitMs = positive('redisConnectWaitMs', opts.redisConnectWaitMs, 2000, 0);
  if (problems.length) throw new RangeError(`Invalid governor options: ${problems.join('; ')}`);
  return { windows, fallbackShare: share, commandTimeoutMs, connectWaitMs };
}

function validateModel(m: BudgetModel): void {
  const bad = (what: string, v: unknown, expected = 'a positive number'): RangeError =>
    new RangeError(`BudgetModel ${m.kind}: ${what} must be ${expected}, got ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`);
  if (m.kind === 'multi-window') {
    // Checked for callers without types (configuration built at run time).
    const windows = m.windows as readonly WindowLimit[] | undefined;
    if (!windows?.length) throw bad('windows', windows, 'a non-empty array of { limit, windowMs }');
    const lengths = windows.map((w) => w.windowMs);
    // Windows are keyed by their length in Redis and in the limits re-read from headers.
    if (new Set(lengths).size !== lengths.length) throw bad('windows[].windowMs', lengths, 'distinct');
  }
  const nums: Array<[string, number]> =
    m.kind === 'requests-per-minute'
      ? [['limit', m.limit]]
      : m.kind === 'cost-bucket'
        ? [
            ['size', m.size],
            ['restorePerSecond', m.restorePerSecond],
          ]
        : m.kind === 'multi-window'
          ? m.windows.flatMap((w, i): Array<[string, number]> => [
              [`windows[${i}].limit`, w.limit],
              [`windows[${i}].windowMs`, w.windowMs],
            ])
          : [
              ['perMinute', m.perMinute],
              ['perDay', m.perDay],
            ];
  for (const [k, v] of nums) {
    if (!(Number.isFinite(v) && v > 0)) throw bad(k, v);
  }
}
