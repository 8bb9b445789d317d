import { compareEventIds, ZERO_ID } from './event-id';
import { currentTraceparent } from '../../util/tracing';
import type { GatewayEvent, NewEvent } from './event.types';
import { resolveEventLogOptions, type AppendResult, type EventLog, type EventLogOptions } from './event-log.types';

/**
 * The event log for one process (no REDIS_URL): a bounded ring in memory that mimics Redis
 * stream ids ("<ms>-<seq>"), so cursors look and order the same as in production.
 */
export class MemoryEventLog implements EventLog {
  private readonly opts: Required<EventLogOptions>;
  /** Live entries are events[start..]; evicted ones are skipped, then compacted in bulk. */
  private events: Array<GatewayEvent & { at: number }> = [];
  private start = 0;
  /** Insertion-ordered with a fixed TTL, so expiry order = insertion order: prune from the front. */
  private readonly dedupe = new Map<string, { id: string; expiresAt: number }>();
  private lastMs = 0;
  private lastSeq = -1;
  private waiters = new Set<() => void>();
  private closed = false;

  constructor(
    opts: EventLogOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.opts = resolveEventLogOptions(opts);
  }

  async append(event: NewEvent, dedupeKeys: readonly string[]): Promise<AppendResult> {
    const now = this.now();
    this.pruneDedupe(now);
    for (const key of dedupeKeys) {
      const seen = this.dedupe.get(key);
      if (seen) return { id: seen.id, duplicate: true };
    }
    const id = this.nextId(now);
    const trace = currentTraceparent();
    this.events.push({ ...event, id, at: now, ...(trace ? { trace } : {}) });
    for (const key of dedupeKeys) this.dedupe.set(key, { id, expiresAt: now + this.opts.dedupeTtlMs });
    this.evict(now);
    const waiting = this.waiters;
    this.waiters = new Set();
    for (const wake of waiting) wake();
    return { id, duplicate: false };
  }

  async read(after: string, opts: { count?: number; blockMs?: number } = {}): Promise<GatewayEvent[]> {
    const count = opts.count ?? 100;
    let found = this.slice(after, count);
    if (found.length === 0 && opts.blockMs && opts.blockMs > 0 && !this.closed) {
      await this.waitForAppend(opts.blockMs);
      found = this.slice(after, count);
    }
    return found;
  }

  async lastId(): Promise<string> {
    this.evict(this.now());
    return this.events.length > this.start ? this.events[this.events.length - 1].id : ZERO_ID;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /** Ids must grow even if the clock steps back or many events share a millisecond. */
  private nextId(now: number): string {
    if (now > this.lastMs) {
      this.lastMs = now;
      this.lastSeq = 0;
    } else {
      this.lastSeq += 1;
    }
    return `${this.lastMs}-${this.lastSeq}`;
  }

  private slice(after: string, count: number): GatewayEvent[] {
    this.evict(this.now());
    // Binary search for the first id > after: ids are appended in increasing order.
    let lo = this.start;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEventIds(this.events[mid].id, after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return this.events.slice(lo, lo + count).map(({ at: _at, ...e }) => e);
  }

  private evict(now: number): void {
    const cutoff = now - this.opts.retentionMs;
    while (this.start < this.events.length && (this.events.length - this.start > this.opts.maxEvents || this.events[this.start].at < cutoff)) {
      this.start += 1;
    }
    // Compact only when the dead prefix is large, so eviction stays O(1) amortised.
    if (this.start > 1024 && this.start * 2 > this.events.length) {
      this.events = this.events.slice(this.start);
      this.start = 0;
    }
  }

  private pruneDedupe(now: number): void {
    // Also capped by count, so a flood of distinct deliveries cannot grow memory without bound.
    const cap = this.opts.maxEvents * 4;
    for (const [key, v] of this.dedupe) {
      if (v.expiresAt > now && this.dedupe.size <= cap) break;
      this.dedupe.delete(key);
    }
  }

  private waitForAppend(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        resolve();
      }, ms);
      const wake = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.add(wake);
    });
  }
}
