import { Agent, request } from 'undici';
import type { Logger } from 'pino';

/**
 * Signed webhook deliveries with retries, for both Lightspeed sandboxes. The caller serialises and
 * signs the body once: every retry sends the same bytes and headers, so a receiver's signature
 * check and its de-duplication see the same delivery. Retries wait on timers that `cancel()` and
 * `close()` clear; tests pass millisecond delays.
 */

export interface WebhookDispatcherOptions {
  /** Delays before each retry; their count is the number of retries. */
  retryDelaysMs: () => readonly number[];
  /** A receiver must answer 2xx within this. */
  timeoutMs: number;
  logger?: Logger;
  /** Name in log lines. */
  name: string;
}

export interface WebhookStats {
  /** Deliveries queued (one per subscription per event). */
  queued: number;
  attempts: number;
  /** Attempts answered 2xx. */
  succeeded: number;
  /** Attempts not answered 2xx in time (status, timeout, refused connection). */
  failedAttempts: number;
  /** Attempts that were retries. */
  retries: number;
  /** Deliveries whose every attempt failed. */
  gaveUp: number;
  /** Deliveries not finished yet. */
  pending: number;
}

export interface OutgoingWebhook {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export class SignedWebhookDispatcher {
  private counters = { queued: 0, attempts: 0, succeeded: 0, failedAttempts: 0, retries: 0, gaveUp: 0 };
  private readonly agent: Agent;
  private readonly running = new Set<Promise<void>>();
  private readonly sleeping = new Map<NodeJS.Timeout, () => void>();
  /** Bumped by cancel(): deliveries of an older generation stop retrying. */
  private generation = 0;

  constructor(private readonly o: WebhookDispatcherOptions) {
    this.agent = new Agent({ connect: { timeout: o.timeoutMs }, headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs });
  }

  /** Starts a delivery in the background; never waits for the receiver. */
  send(w: OutgoingWebhook): void {
    this.counters.queued++;
    const generation = this.generation;
    const run = (async () => {
      const delays = this.o.retryDelaysMs();
      for (let attempt = 0; attempt <= delays.length; attempt++) {
        if (attempt > 0) {
          await this.sleep(delays[attempt - 1]);
          if (generation !== this.generation) return;
          this.counters.retries++;
        }
        if (await this.attempt(w)) return;
        if (generation !== this.generation) return;
      }
      this.counters.gaveUp++;
      this.o.logger?.warn({ url: w.url }, `${this.o.name}: webhook delivery gave up after its retries`);
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  stats(): WebhookStats {
    return { ...this.counters, pending: this.running.size };
  }

  resetStats(): void {
    this.counters = { queued: 0, attempts: 0, succeeded: 0, failedAttempts: 0, retries: 0, gaveUp: 0 };
  }

  /** Resolves when no delivery is waiting or under way. */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** Drops pending retries; attempts under way finish. */
  cancel(): void {
    this.generation++;
    for (const [timer, wake] of this.sleeping) {
      clearTimeout(timer);
      wake();
    }
    this.sleeping.clear();
  }

  async close(): Promise<void> {
    this.cancel();
    await this.whenIdle();
    await this.agent.close();
  }

  private async attempt(w: OutgoingWebhook): Promise<boolean> {
    this.counters.attempts++;
    try {
      const res = await request(w.url, { method: 'POST', body: w.body, headers: w.headers, dispatcher: this.agent });
      await res.body.dump();
      if (res.statusCode >= 200 && res.statusCode < 300) {
        this.counters.succeeded++;
        return true;
      }
      this.o.logger?.debug({ url: w.url, status: res.statusCode }, `${this.o.name}: webhook delivery refused`);
    } catch (err) {
      this.o.logger?.debug({ url: w.url, reason: (err as Error).name }, `${this.o.name}: webhook delivery failed`);
    }
    this.counters.failedAttempts++;
    return false;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeping.delete(timer);
        resolve();
      }, ms);
      this.sleeping.set(timer, resolve);
    });
  }
}
