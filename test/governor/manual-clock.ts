/**
 * A clock that stands still until the test moves it, injected as GovernorRegistryOptions.clock.
 * Budgets then decide on the time the test set, however slow the machine: a window is over when
 * the test says so, not when enough real milliseconds happen to have passed. (Timers for the
 * queue's naps and deadlines still run on real time; they only decide when a call is looked at
 * again, not what the budget answers.)
 */
export class ManualClock {
  private t: number;

  /** Starts at `start` epoch ms: a fixed instant, so window boundaries fall where a test expects. */
  constructor(start: number) {
    this.t = start;
  }

  /** For the registry's `clock` option (a bound method, safe to pass around). */
  readonly now = (): number => this.t;

  advance(ms: number): void {
    this.t += ms;
  }
}

/** 12:00:00.000 UTC on 1 January 2030: on every window boundary a test uses (minute, hour, day). */
export const NOON_2030 = Date.UTC(2030, 0, 1, 12);
