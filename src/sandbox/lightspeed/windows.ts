/**
 * Fixed request windows counted together: Lightspeed eCom reports three at once (5 minutes, an
 * hour, a day) and X-Series one (5 minutes). A window opens with the first request counted in it
 * and closes `windowMs` later (UNCONFIRMED: Lightspeed does not say whether windows are fixed,
 * aligned to the clock, or sliding; "Reset" in their headers suggests fixed windows). A request
 * is counted in every window only when every window has room; a refused request counts nowhere.
 */

export interface WindowSpec {
  /** Requests allowed per window. */
  limit: number;
  /** Window length in ms. */
  windowMs: number;
}

export interface WindowState {
  limit: number;
  windowMs: number;
  /** Requests left in the current window (after this one, when it was allowed). */
  remaining: number;
  /** Ms until the current window closes (the full length when none is open). */
  resetMs: number;
}

export interface WindowDecision {
  allowed: boolean;
  windows: WindowState[];
  /** Indexes of the windows that are full (empty when allowed). */
  exceeded: number[];
}

/** Checks a list of windows (options, control surface) and copies it; the error names the bad entry. */
export function validateWindows(name: string, specs: unknown): WindowSpec[] {
  if (!Array.isArray(specs) || specs.length === 0) throw new RangeError(`${name} must be a non-empty list of {limit, windowMs}`);
  return (specs as unknown[]).map((raw, i) => {
    const s = (raw ?? {}) as Partial<WindowSpec>;
    if (!Number.isInteger(s.limit) || (s.limit as number) < 1)
      throw new RangeError(`${name}[${i}].limit must be a positive whole number, got ${String(s.limit)}`);
    if (!Number.isInteger(s.windowMs) || (s.windowMs as number) < 1) {
      throw new RangeError(`${name}[${i}].windowMs must be a positive whole number, got ${String(s.windowMs)}`);
    }
    return { limit: s.limit as number, windowMs: s.windowMs as number };
  });
}

export class MultiWindowLimiter {
  private specs: WindowSpec[];
  private starts: Array<number | null>;
  private counts: number[];

  constructor(
    specs: readonly WindowSpec[],
    private readonly now: () => number,
  ) {
    this.specs = validateWindows('rate windows', specs);
    this.starts = this.specs.map(() => null);
    this.counts = this.specs.map(() => 0);
  }

  get windows(): readonly WindowSpec[] {
    return this.specs;
  }

  /** Replaces the windows and empties them (control surface, tests). */
  configure(specs: readonly WindowSpec[]): void {
    this.specs = validateWindows('rate windows', specs);
    this.reset();
  }

  reset(): void {
    this.starts = this.specs.map(() => null);
    this.counts = this.specs.map(() => 0);
  }

  /** Counts one request if every window has room. */
  take(): WindowDecision {
    const t = this.now();
    this.roll(t);
    const exceeded = this.specs.flatMap((s, i) => (this.counts[i] >= s.limit ? [i] : []));
    if (exceeded.length === 0) {
      this.specs.forEach((_, i) => {
        if (this.starts[i] === null) this.starts[i] = t;
        this.counts[i]++;
      });
    }
    return { allowed: exceeded.length === 0, windows: this.state(t), exceeded };
  }

  /** The windows as they stand, without counting. */
  peek(): WindowState[] {
    const t = this.now();
    this.roll(t);
    return this.state(t);
  }

  private roll(t: number): void {
    this.specs.forEach((s, i) => {
      const start = this.starts[i];
      if (start !== null && t >= start + s.windowMs) {
        this.starts[i] = null;
        this.counts[i] = 0;
      }
    });
  }

  private state(t: number): WindowState[] {
    return this.specs.map((s, i) => {
      const start = this.starts[i];
      return {
        limit: s.limit,
        windowMs: s.windowMs,
        remaining: Math.max(0, s.limit - this.counts[i]),
        resetMs: start === null ? s.windowMs : Math.max(0, start + s.windowMs - t),
      };
    });
  }
}
