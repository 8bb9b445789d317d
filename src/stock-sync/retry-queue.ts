/** A code waiting for the stock sync. */
export interface Queued {
  /** Syncs of this code that failed so far. */
  attempts: number;
  /** Epoch ms before which the code is not synced. */
  notBefore: number;
}

/**
 * The auto-sync's waiting room: product codes, each due at its own time (a new code after the
 * batch window, a failed one after its backoff). One timer, armed for the earliest due code; when
 * it fires, up to `maxCodes` due codes leave together as one batch for `onDue`.
 */
export class RetryQueue {
  private readonly pending = new Map<string, Queued>();
  /** Codes handed out by takeUntried (the last try at close), so none is tried twice. */
  private readonly tried = new Set<string>();
  private timer?: NodeJS.Timeout;
  private timerAt = Infinity;
  private stopped = false;

  constructor(
    private readonly maxCodes: number,
    private readonly onDue: (batch: Array<[code: string, queued: Queued]>) => unknown,
  ) {}

  /** Queues `code` to be due at `at`; a code already queued keeps its place, count and backoff. */
  add(code: string, at: number): void {
    if (!this.pending.has(code)) this.pending.set(code, { attempts: 0, notBefore: at });
    this.wakeAt(at);
  }

  /**
   * Puts the codes of a failed batch back with one more attempt each, not before
   * `notBefore(attempts)`. A code queued again meanwhile (a new event) keeps the larger count and
   * the later time: a new event does not reset a backoff.
   */
  retry(batch: Array<[string, Queued]>, notBefore: (attempts: number) => number): void {
    for (const [code, q] of batch) {
      const attempts = q.attempts + 1;
      const queued = this.pending.get(code);
      this.pending.set(code, { attempts: Math.max(attempts, queued?.attempts ?? 0), notBefore: Math.max(notBefore(attempts), queued?.notBefore ?? 0) });
    }
    if (this.pending.size) this.wakeAt(earliest(this.pending));
  }

  /** Clears the timer for good (shutdown); what is queued stays for takeUntried and codes. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Up to `maxCodes` queued codes never handed out here before, taken out of the queue, whatever their backoff. */
  takeUntried(): Array<[string, Queued]> {
    const batch = [...this.pending.entries()].filter(([code]) => !this.tried.has(code)).slice(0, this.maxCodes);
    for (const [code] of batch) {
      this.tried.add(code);
      this.pending.delete(code);
    }
    return batch;
  }

  /** The codes still queued. */
  codes(): string[] {
    return [...this.pending.keys()];
  }

  /** Arms the timer for `at`, unless it is already armed for an earlier moment. */
  private wakeAt(at: number): void {
    if (this.stopped || at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.release(), Math.max(0, at - Date.now()));
  }

  /** Hands the due codes (at most maxCodes) to onDue and re-arms the timer for the rest. */
  private release(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = Date.now();
    const due = [...this.pending.entries()].filter(([, q]) => q.notBefore <= now).slice(0, this.maxCodes);
    for (const [code] of due) this.pending.delete(code);
    if (this.pending.size) this.wakeAt(earliest(this.pending));
    if (due.length) this.onDue(due);
  }
}

/** The earliest notBefore in the queue (a loop: spreading a huge queue into Math.min overflows the stack). */
function earliest(pending: ReadonlyMap<string, Queued>): number {
  let at = Infinity;
  for (const q of pending.values()) if (q.notBefore < at) at = q.notBefore;
  return at;
}
