import path from 'node:path';
import { forkBenchChild } from './child';
import type { SnapshotRow, StockChange } from './picqer-sandbox';

export type { SnapshotRow, StockChange };

export interface BalancerStats {
  /** Deliveries forwarded, per replica. */
  forwarded: number[];
  /** Deliveries no replica took (answered 502 to the sandbox, which retries them). */
  failed: number;
  /** Per delivery, ms from forwarding it to the replica's answer. */
  answerMs: number[];
  /** Per acknowledged delivery, ms from the change (its dispatch) to the acknowledgement. */
  lagMs: number[];
  /** Acknowledged products.free_stock_changed deliveries: [idproduct, queued at, acknowledged at] (epoch ms). */
  stockAcks: Array<[number, number, number]>;
  /** Every acknowledged stock delivery: [event, idproduct, replica, queued at, acknowledged at, event_triggered_at, [idwarehouse, free stock] per warehouse]. */
  deliveries: Array<[string, number, number, number, number, string, Array<[number, number]>]>;
}

/** The Picqer sandbox running in its own process (./picqer-sandbox.ts), as a bench sees it. */
export interface SandboxProcess {
  origin: string;
  baseUrl: string;
  apiKey: string;
  /** When `snapshot` was taken (this machine's clock, ms). */
  at: number;
  snapshot: SnapshotRow[];
  /** Starts the webhook balancer over `targets` (replica URLs) and registers hooks for `events` pointing at it. */
  balance(targets: string[], secret: string, events: string[]): Promise<{ address: string; events: string[]; unsupported: string[] }>;
  /**
   * The stock changes since `since`, oldest first, from the sandbox's GET /__sandbox/stock-history;
   * `source` names it for the report.
   */
  history(since: number): Promise<{ changes: StockChange[]; source: string }>;
  /** What the webhook balancer saw (bench/support/picqer-sandbox.ts). */
  balancerStats(): Promise<BalancerStats>;
  /** A control call under /__sandbox (JSON in and out). */
  control<T>(method: string, route: string, body?: object): Promise<T>;
  close(): Promise<void>;
}

export async function startSandboxProcess(opts: { products: number; seed: number }): Promise<SandboxProcess> {
  const child = forkBenchChild(path.join(__dirname, 'picqer-sandbox.ts'));
  try {
    const ready = await child.ask<{ origin: string; baseUrl: string; apiKey: string; at: number; snapshot: SnapshotRow[] }>(
      { type: 'start', ...opts },
      'ready',
    );
    const control = async <T>(method: string, route: string, body?: object): Promise<T> => {
      const res = await fetch(`${ready.origin}/__sandbox${route}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!res.ok) throw Object.assign(new Error(`${method} /__sandbox${route} answered ${res.status}`), { status: res.status });
      return (await res.json()) as T;
    };
    return {
      ...ready,
      balance: (targets, secret, events) => child.ask({ type: 'balance', targets, secret, events }, 'balancing'),
      async history(since) {
        const answer = await control<unknown>('GET', `/stock-history?since=${since}`);
        if (!Array.isArray(answer)) throw new Error('GET /__sandbox/stock-history: expected an array of changes');
        return { changes: answer as StockChange[], source: 'GET /__sandbox/stock-history' };
      },
      balancerStats: () => child.ask({ type: 'balancer-stats' }, 'balancer-stats'),
      control,
      close: () => child.close(),
    };
  } catch (err) {
    child.kill();
    throw err;
  }
}
