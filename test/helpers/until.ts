/**
 * Waiting in tests: for a state, never for a fixed time. A fixed sleep is either too short on a
 * loaded machine (the test fails) or too long everywhere else (the suite crawls).
 */

export interface UntilOptions {
  /** Pause between checks. Default 10 ms. */
  everyMs?: number;
  /**
   * Give up after this long and throw, naming what never happened. Default 20,000 ms: inside
   * jest's 30 s test timeout, so the failure says what was awaited instead of "timed out".
   * A bound for a hung test, not an expectation about speed.
   */
  timeoutMs?: number;
}

/** Resolves as soon as `predicate` holds (it may be async); checks it first without waiting. */
export async function until(predicate: () => boolean | Promise<boolean>, what: string, opts: UntilOptions = {}): Promise<void> {
  const everyMs = opts.everyMs ?? 10;
  const giveUpAt = Date.now() + (opts.timeoutMs ?? 20_000);
  while (!(await predicate())) {
    if (Date.now() > giveUpAt) throw new Error(`Gave up waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Resolves after the current turn of the event loop: every promise callback queued so far has
 * run (and I/O already received has been handled). For "nothing was delivered" checks, after
 * the state that must hold back the delivery has been awaited.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
