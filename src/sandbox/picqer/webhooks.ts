import { createHmac } from 'node:crypto';
import { request } from 'undici';
import type { Logger } from 'pino';
import type { HookWire } from './model';
import { FREE_STOCK_EVENT, FREE_STOCK_EVENT_ALIAS, PICQER_HOOK_EVENTS } from './events';
import { PICQER_ERROR, PicqerSandboxHttpError, picqerTimestamp } from './http-util';

/**
 * Picqer's webhooks (`/hooks`) and their deliveries. A delivery is a POST of
 * `{idhook, name, event, event_triggered_at, data}` signed with `X-Picqer-Signature` =
 * base64(HMAC-SHA256(raw body, secret)). Deliveries run in the background, one at a time per hook
 * (so a hook sees its events in order), retried on the configured schedule; a hook with
 * `maxCompleteFailures` fully failed deliveries within `failureWindowMs` is deactivated.
 */

/** About 17 hours over 15 retries, like Picqer's documented "15 times over ~17 h" (exact steps UNCONFIRMED). */
export const DEFAULT_WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [1, 2, 5, 10, 15, 30, 30, 60, 60, 120, 120, 120, 120, 120, 180].map((m) => m * 60_000);

export interface HookRecord extends HookWire {
  /** Never serialised to API answers. */
  secret: string | null;
  /** Times of complete failures (all attempts failed), for the deactivation rule. */
  completeFailures: number[];
}

export interface WebhookDispatcherOptions {
  /** Delays before each retry; its length is the number of retries. Default: ~17 h over 15 retries. */
  retryDelaysMs?: readonly number[];
  /** A receiver must answer within this. Default 10,000 (Picqer: 10 s). */
  timeoutMs?: number;
  /** Complete failures within `failureWindowMs` that deactivate a hook. Default 5. */
  maxCompleteFailures?: number;
  /** Default 24 h. */
  failureWindowMs?: number;
  logger?: Logger;
  /** Clock for `event_triggered_at` and the deactivation window. Default Date.now. */
  now?: () => number;
  /** Zone `event_triggered_at` is written in. Default DEFAULT_PICQER_TIME_ZONE. */
  timeZone?: string;
}

export interface DeliveryStats {
  /** Deliveries queued (one per hook per event). */
  queued: number;
  attempts: number;
  succeeded: number;
  /** Attempts that failed (non-200/201/202 answer, timeout, connection error). */
  failedAttempts: number;
  /** Deliveries whose every attempt failed. */
  completeFailures: number;
  deactivations: number;
  /** Deliveries waiting or in progress now. */
  pending: number;
}

interface Delivery {
  hook: HookRecord;
  body: string;
}

export class WebhookDispatcher {
  readonly hooks: HookRecord[] = [];
  private nextId = 100;
  private readonly queues = new Map<number, Delivery[]>();
  private readonly running = new Set<number>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private readonly aborter = new AbortController();
  private closed = false;
  private readonly counters: Omit<DeliveryStats, 'pending'> = {
    queued: 0,
    attempts: 0,
    succeeded: 0,
    failedAttempts: 0,
    completeFailures: 0,
    deactivations: 0,
  };
  private readonly retryDelaysMs: readonly number[];
  private readonly timeoutMs: number;
  private readonly maxCompleteFailures: number;
  private readonly failureWindowMs: number;
  private readonly now: () => number;
  private idle: Array<() => void> = [];

  constructor(private readonly opts: WebhookDispatcherOptions = {}) {
    this.retryDelaysMs = opts.retryDelaysMs ?? DEFAULT_WEBHOOK_RETRY_DELAYS_MS;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxCompleteFailures = opts.maxCompleteFailures ?? 5;
    this.failureWindowMs = opts.failureWindowMs ?? 86_400_000;
    this.now = opts.now ?? Date.now;
  }

  /** The wire shape of a hook (the secret stays inside). */
  static wire(h: HookRecord): HookWire {
    return { idhook: h.idhook, name: h.name, event: h.event, address: h.address, active: h.active };
  }

  /** Registers a hook after validating its fields like Picqer would (400, error code 5, naming the field). */
  create(input: Record<string, unknown>): HookRecord {
    const missing = ['name', 'event', 'address'].filter((k) => typeof input[k] !== 'string' || input[k].trim() === '');
    if (missing.length) {
      throw new PicqerSandboxHttpError(
        400,
        PICQER_ERROR.missingParameters,
        `Missing parameters: ${missing.join(', ')} (strings) are required to create a hook.`,
      );
    }
    const event = input.event as string;
    if (!PICQER_HOOK_EVENTS.includes(event)) {
      throw new PicqerSandboxHttpError(
        400,
        PICQER_ERROR.unknown,
        `Unknown hook event "${event}": expected one of Picqer's documented events, e.g. ${FREE_STOCK_EVENT} or products.stock_changed.`,
      );
    }
    let url: URL;
    try {
      url = new URL(input.address as string);
    } catch {
      url = new URL('invalid:');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new PicqerSandboxHttpError(400, PICQER_ERROR.unknown, 'Hook address must be an http(s) URL.');
    }
    if (input.secret !== undefined && input.secret !== null && typeof input.secret !== 'string') {
      throw new PicqerSandboxHttpError(400, PICQER_ERROR.unknown, 'Hook secret must be a string when given.');
    }
    const hook: HookRecord = {
      idhook: ++this.nextId,
      name: input.name as string,
      event,
      address: url.toString(),
      active: true,
      secret: (input.secret as string | undefined) || null,
      completeFailures: [],
    };
    this.hooks.push(hook);
    return hook;
  }

  get(idhook: number): HookRecord {
    const h = this.hooks.find((x) => x.idhook === idhook);
    if (!h) throw new PicqerSandboxHttpError(404, PICQER_ERROR.itemNotFound, `Hook ${idhook} not found.`);
    return h;
  }

  /** Deactivates a hook (Picqer's DELETE does not delete) and drops its queued deliveries. */
  deactivate(idhook: number): HookRecord {
    const h = this.get(idhook);
    h.active = false;
    this.queues.delete(idhook);
    this.notifyIdle();
    return h;
  }

  reactivate(idhook: number): HookRecord {
    const h = this.get(idhook);
    h.active = true;
    h.completeFailures = [];
    return h;
  }

  /** Queues one delivery per active hook of `event`; never waits for the receivers. */
  dispatch(event: string, data: unknown): void {
    if (this.closed) return;
    // The moment of the change, as Picqer stamps it: local wall-clock time, whole seconds.
    const at = picqerTimestamp(this.now(), this.opts.timeZone);
    for (const hook of this.hooks) {
      if (!hook.active || canonicalEvent(hook.event) !== canonicalEvent(event)) continue;
      // Serialised once: every retry sends the same bytes, so the signature and any dedupe stay stable.
      const body = JSON.stringify({ idhook: hook.idhook, name: hook.name, event: hook.event, event_triggered_at: at, data });
      let q = this.queues.get(hook.idhook);
      if (!q) this.queues.set(hook.idhook, (q = []));
      q.push({ hook, body });
      this.counters.queued++;
      if (!this.running.has(hook.idhook)) void this.drain(hook.idhook);
    }
  }

  stats(): DeliveryStats {
    let pending = 0;
    for (const q of this.queues.values()) pending += q.length;
    return { ...this.counters, pending };
  }

  /** Resolves when no delivery is waiting or in progress (tests use it instead of sleeping). */
  whenIdle(): Promise<void> {
    if (this.stats().pending === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Stops all deliveries and timers. */
  close(): void {
    this.closed = true;
    this.aborter.abort();
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.timers.clear();
    this.queues.clear();
    this.notifyIdle();
  }

  private async drain(idhook: number): Promise<void> {
    this.running.add(idhook);
    try {
      for (;;) {
        const q = this.queues.get(idhook);
        const next = q?.[0];
        if (!next || this.closed) break;
        await this.deliver(next);
        // The queue may have been dropped (deactivated) meanwhile; only shift what we delivered.
        if (this.queues.get(idhook)?.[0] === next) this.queues.get(idhook)!.shift();
      }
    } finally {
      this.running.delete(idhook);
      if (this.queues.get(idhook)?.length === 0) this.queues.delete(idhook);
      this.notifyIdle();
    }
  }

  private async deliver(d: Delivery): Promise<void> {
    for (let attempt = 0; attempt <= this.retryDelaysMs.length; attempt++) {
      if (attempt > 0) await this.sleep(this.retryDelaysMs[attempt - 1]);
      if (this.closed || !d.hook.active) return;
      if (await this.attempt(d)) return;
    }
    this.counters.completeFailures++;
    const t = this.now();
    d.hook.completeFailures = d.hook.completeFailures.filter((x) => x > t - this.failureWindowMs);
    d.hook.completeFailures.push(t);
    if (d.hook.completeFailures.length >= this.maxCompleteFailures && d.hook.active) {
      d.hook.active = false;
      this.counters.deactivations++;
      this.queues.delete(d.hook.idhook);
      this.opts.logger?.warn({ idhook: d.hook.idhook, event: d.hook.event }, 'picqer sandbox: hook deactivated after repeated failed deliveries');
    }
  }

  private async attempt(d: Delivery): Promise<boolean> {
    this.counters.attempts++;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Picqer-Sandbox-Webhooks/1.0' };
    if (d.hook.secret) headers['x-picqer-signature'] = createHmac('sha256', d.hook.secret).update(d.body).digest('base64');
    try {
      const res = await request(d.hook.address, {
        method: 'POST',
        body: d.body,
        headers,
        signal: this.aborter.signal,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      await res.body.dump();
      if (res.statusCode === 200 || res.statusCode === 201 || res.statusCode === 202) {
        this.counters.succeeded++;
        return true;
      }
      this.opts.logger?.debug({ idhook: d.hook.idhook, status: res.statusCode }, 'picqer sandbox: webhook delivery refused');
    } catch (err) {
      this.opts.logger?.debug({ idhook: d.hook.idhook, reason: (err as Error).name }, 'picqer sandbox: webhook delivery failed');
    }
    this.counters.failedAttempts++;
    return false;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      entry.timer.unref();
      this.timers.add(entry);
    });
  }

  private notifyIdle(): void {
    if (this.stats().pending > 0 || this.running.size > 0) return;
    const waiting = this.idle;
    this.idle = [];
    for (const r of waiting) r();
  }
}

function canonicalEvent(event: string): string {
  return event === FREE_STOCK_EVENT_ALIAS ? FREE_STOCK_EVENT : event;
}
