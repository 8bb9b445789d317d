/**
 * Exact's call limits per app and division: N calls per CALENDAR minute (60 calls by 10:00:40
 * means refusals until 10:01:00, not a rolling window) and M per day. The daily window is taken
 * as the UTC day (UNCONFIRMED: Exact may count per CET day). Refused calls do not count.
 */

export interface LimitSettings {
  minutelyLimit: number;
  dailyLimit: number;
}

export interface LimitVerdict {
  allowed: boolean;
  /** Which limit refused the call, when refused. */
  exceeded?: 'minute' | 'day';
  headers: Record<string, string>;
}

interface Window {
  minute: number;
  minuteCount: number;
  day: number;
  dayCount: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Counts calls per key (client id + division) and writes the X-RateLimit-* headers. */
export class SandboxLimits {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly settings: () => LimitSettings,
    private readonly clock: () => number,
  ) {}

  /** Counts one call for `key` if allowed. Headers follow Exact: on a minutely 429 only the minutely ones. */
  take(key: string): LimitVerdict {
    const s = this.settings();
    const now = this.clock();
    const minute = Math.floor(now / MINUTE);
    const day = Math.floor(now / DAY);
    let w = this.windows.get(key);
    if (!w) {
      w = { minute, minuteCount: 0, day, dayCount: 0 };
      this.windows.set(key, w);
    }
    if (w.minute !== minute) {
      w.minute = minute;
      w.minuteCount = 0;
    }
    if (w.day !== day) {
      w.day = day;
      w.dayCount = 0;
    }
    const minutely = (count: number): Record<string, string> => ({
      'x-ratelimit-minutely-limit': String(s.minutelyLimit),
      'x-ratelimit-minutely-remaining': String(Math.max(0, s.minutelyLimit - count)),
      // Epoch milliseconds, as Exact sends them.
      'x-ratelimit-minutely-reset': String((minute + 1) * MINUTE),
    });
    const daily = (count: number): Record<string, string> => ({
      'x-ratelimit-limit': String(s.dailyLimit),
      'x-ratelimit-remaining': String(Math.max(0, s.dailyLimit - count)),
      'x-ratelimit-reset': String((day + 1) * DAY),
    });
    if (w.dayCount >= s.dailyLimit) return { allowed: false, exceeded: 'day', headers: daily(w.dayCount) };
    if (w.minuteCount >= s.minutelyLimit) return { allowed: false, exceeded: 'minute', headers: minutely(w.minuteCount) };
    w.minuteCount++;
    w.dayCount++;
    return { allowed: true, headers: { ...daily(w.dayCount), ...minutely(w.minuteCount) } };
  }

  reset(): void {
    this.windows.clear();
  }
}
