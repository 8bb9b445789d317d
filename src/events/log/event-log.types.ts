import type { GatewayEvent, NewEvent } from './event.types';

/**
 * The event log: an ordered, bounded, time-limited record of normalised events, shared by all
 * replicas (Redis Streams) or local to one process (memory ring). Receivers append before they
 * answer 2xx, so an acknowledged delivery is never lost; subscribers read after an id, so a
 * reconnecting client gets what it missed, in order, once.
 *
 * One contract test suite (test/events/log/event-log.contract.test.ts) runs against both.
 */
export interface EventLog {
  /**
   * Appends `event` unless any of `dedupeKeys` was appended within the dedupe TTL; the check and
   * the append are one atomic step, so two replicas receiving the same retry append it once.
   * A duplicate returns the id of the first append.
   */
  append(event: NewEvent, dedupeKeys: readonly string[]): Promise<AppendResult>;

  /**
   * Events with id strictly greater than `after`, oldest first, at most `count`. With `blockMs`,
   * waits up to that long for new events when there are none yet (the tail of the bus uses this);
   * an empty array means none arrived in time, or the log was closed.
   */
  read(after: string, opts?: { count?: number; blockMs?: number }): Promise<GatewayEvent[]>;

  /** The id of the newest retained event, or "0-0" when the log is empty. */
  lastId(): Promise<string>;

  /** Stops blocking reads and releases connections the log opened itself. */
  close(): Promise<void>;
}

/**
 * An append that could not be confirmed (Redis away, hung, or the log closed). Receivers answer
 * 503 so the upstream retries; the event may or may not be in the log (a lost answer is not a
 * lost write), which the retry's dedupe key settles.
 */
export class EventLogUnavailableError extends Error {
  readonly code = 'EVENT_LOG_UNAVAILABLE';
  constructor(reason: string) {
    super(`The event log could not confirm the append: ${reason}.`);
    this.name = 'EventLogUnavailableError';
  }
}

export interface AppendResult {
  /** The event's log id; for a duplicate, the id the first delivery got. */
  id: string;
  duplicate: boolean;
}

/** Options shared by both implementations. */
export interface EventLogOptions {
  /** Events older than this are dropped; they may describe customers' orders. Default 24 h. */
  retentionMs?: number;
  /** Upper bound on retained events, whatever their age. Default 100,000. */
  maxEvents?: number;
  /** How long a delivery's dedupe keys are remembered. Default 48 h: Picqer retries for ~17 h. */
  dedupeTtlMs?: number;
}

export const EVENT_LOG_DEFAULTS = {
  retentionMs: 24 * 60 * 60 * 1000,
  maxEvents: 100_000,
  dedupeTtlMs: 48 * 60 * 60 * 1000,
} as const;

/** Fills in defaults and rejects nonsense, naming the option. */
export function resolveEventLogOptions(opts: EventLogOptions = {}): Required<EventLogOptions> {
  const out = {
    retentionMs: opts.retentionMs ?? EVENT_LOG_DEFAULTS.retentionMs,
    maxEvents: opts.maxEvents ?? EVENT_LOG_DEFAULTS.maxEvents,
    dedupeTtlMs: opts.dedupeTtlMs ?? EVENT_LOG_DEFAULTS.dedupeTtlMs,
  };
  for (const [k, v] of Object.entries(out)) {
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`EventLog option ${k} must be a positive whole number, got ${v}.`);
  }
  return out;
}
