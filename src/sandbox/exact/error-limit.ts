/**
 * Exact's error limit (in force since 2021-07-01; Exact KB "API limits", stored copy in
 * paddynatte/exact-online-python .resources/API_limits.md): "No more than 10 errors per API key,
 * per user, per company, per endpoint, and per hour. When you exceed this limit, your API key will
 * be temporarily blocked from making further requests. The block will automatically be lifted
 * after one hour and will gradually increase when you continue making these errors. Response code
 * 400, 401, 403, and 404 are counted as errors."
 *
 * The sandbox has one user per app, so the count is per client id, division and endpoint, over the
 * last hour (UNCONFIRMED: a rolling hour or the clock hour). The 11th error blocks the whole key
 * (every endpoint and division) for `errorBlockSeconds`, doubled for each further block
 * (UNCONFIRMED: how "gradually" the block grows).
 */

export interface ErrorLimitSettings {
  /** Errors allowed per key, division, endpoint and hour. Exact: 10. */
  maxErrorsPerHour: number;
  /** The first block's length. Exact: one hour. */
  errorBlockSeconds: number;
}

/** The statuses Exact counts. */
export const COUNTED_ERRORS: ReadonlySet<number> = new Set([400, 401, 403, 404]);

const HOUR = 3_600_000;

export class SandboxErrorLimit {
  private readonly errors = new Map<string, number[]>();
  private readonly blocks = new Map<string, { until: number; count: number }>();

  constructor(
    private readonly settings: () => ErrorLimitSettings,
    private readonly clock: () => number,
  ) {}

  /** Counts an answer for `clientId` if Exact would count it; may block the key. */
  record(clientId: string, division: string, endpoint: string, status: number): void {
    if (!COUNTED_ERRORS.has(status)) return;
    const now = this.clock();
    const key = `${clientId}\0${division}\0${endpoint.toLowerCase()}`;
    const recent = (this.errors.get(key) ?? []).filter((t) => now - t < HOUR);
    recent.push(now);
    this.errors.set(key, recent);
    if (recent.length <= this.settings().maxErrorsPerHour) return;
    this.errors.delete(key);
    const previous = this.blocks.get(clientId);
    const count = (previous?.count ?? 0) + 1;
    this.blocks.set(clientId, { until: now + this.settings().errorBlockSeconds * 1000 * 2 ** (count - 1), count });
  }

  /** Epoch ms until which the key is blocked, or null. */
  blockedUntil(clientId: string): number | null {
    const b = this.blocks.get(clientId);
    return b && b.until > this.clock() ? b.until : null;
  }

  reset(): void {
    this.errors.clear();
    this.blocks.clear();
  }
}
