import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The gateway's Prometheus metrics: one registry per gateway (tests run several in one process),
 * one prefix (`gateway_`), base units (seconds, not milliseconds) and bounded labels: kinds,
 * outcomes, upstreams, configured names — never ids, product codes, tokens or free text.
 * Counters read from running totals kept elsewhere use totalsCounter; what only exists as it
 * happens (durations, lags) is observed here through the methods below.
 */

/** Every metric name starts with this. */
export const METRIC_PREFIX = 'gateway_';

/** Latency buckets in seconds, for calls a client waits on (operations, upstream calls). */
const CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Budget waits: mostly zero, a rate-limit pause can last a minute. */
const WAIT_BUCKETS = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** From an event's append to its hand-over to subscribers: milliseconds normally, seconds when Redis lags. */
const LAG_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What a subscription transport (graphql-ws, SSE) reports at each scrape. */
export interface TransportStats {
  /** Open connections (sockets, event streams). */
  connections: number;
  /** Active subscriptions over them. */
  subscriptions: number;
  /** Subscribers closed since start because they did not take their events fast enough. */
  slowDisconnects: number;
}

export interface GatewayMetricsOptions {
  /**
   * Operation names reported as themselves (METRICS_OPERATION_NAMES); any other name, and an
   * anonymous operation, is reported as `other`, so a client cannot grow the label set. Default: none.
   */
  operationNames?: readonly string[];
  /** Node's process metrics (CPU, memory, event loop lag) under the same prefix. Default true. */
  processMetrics?: boolean;
}

/** Operation types as labels; anything else (an unparseable document) is `unknown`. */
const OPERATION_TYPES = new Set(['query', 'mutation', 'subscription']);

/** The gateway's instruments, on a registry of its own (`registry`, what /metrics serves). */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly operationNames: ReadonlySet<string>;
  private readonly transports = new Map<string, () => TransportStats>();
  private readonly operations: Histogram<'type' | 'name'>;
  private readonly operationErrors: Counter<'type' | 'name' | 'code'>;
  private readonly upstreamCalls: Histogram<'upstream' | 'status_class'>;
  private readonly governorWaits: Histogram<'upstream'>;
  private readonly webhooks: Counter<'source' | 'result'>;
  private readonly fanoutLag: Histogram<string>;

  constructor(opts: GatewayMetricsOptions = {}) {
    this.operationNames = new Set(opts.operationNames ?? []);
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
    const registers = [this.registry];
    this.operations = new Histogram({
      name: 'gateway_graphql_operation_duration_seconds',
      help: 'GraphQL operations over HTTP, from the request to the response, by type and name (METRICS_OPERATION_NAMES; others "other").',
      labelNames: ['type', 'name'],
      buckets: CALL_BUCKETS,
      registers,
    });
    this.operationErrors = new Counter({
      name: 'gateway_graphql_errors_total',
      help: 'Errors in GraphQL responses, by operation type, name and extensions.code.',
      labelNames: ['type', 'name', 'code'],
      registers,
    });
    this.upstreamCalls = new Histogram({
      name: 'gateway_upstream_request_duration_seconds',
      help: 'HTTP requests sent to upstreams (each attempt, retries included), by upstream and status class (2xx..5xx, or error: no answer).',
      labelNames: ['upstream', 'status_class'],
      buckets: CALL_BUCKETS,
      registers,
    });
    this.governorWaits = new Histogram({
      name: 'gateway_governor_wait_seconds',
      help: 'Time each admitted upstream request waited for rate budget.',
      labelNames: ['upstream'],
      buckets: WAIT_BUCKETS,
      registers,
    });
    this.webhooks = new Counter({
      name: 'gateway_webhooks_total',
      help: 'Webhook deliveries by source and result: accepted, duplicate, ignored, rejected (4xx), failed (5xx).',
      labelNames: ['source', 'result'],
      registers,
    });
    this.fanoutLag = new Histogram({
      name: 'gateway_event_fanout_lag_seconds',
      help: 'From an event appended to the event log to this replica handing it to its subscribers.',
      buckets: LAG_BUCKETS,
      registers,
    });
    this.registerTransportGauges();
  }

  /** One GraphQL operation answered; `errorCodes` are the response's `extensions.code`s. */
  operation(type: string | undefined, name: string | null | undefined, seconds: number, errorCodes: readonly string[] = []): void {
    const labels = { type: type && OPERATION_TYPES.has(type) ? type : 'unknown', name: name && this.operationNames.has(name) ? name : 'other' };
    this.operations.observe(labels, seconds);
    for (const code of errorCodes) this.operationErrors.inc({ ...labels, code });
  }

  /** One HTTP attempt to an upstream; `status` undefined when no answer came (connection failed, timed out). */
  upstreamRequest(upstream: string, status: number | undefined, seconds: number): void {
    this.upstreamCalls.observe({ upstream, status_class: statusClass(status) }, seconds);
  }

  /** How long an admitted upstream request waited for budget. */
  governorWait(upstream: string, seconds: number): void {
    this.governorWaits.observe({ upstream }, seconds);
  }

  /** One webhook delivery answered. */
  webhook(source: string, result: WebhookResult): void {
    this.webhooks.inc({ source, result });
  }

  /** An event handed to this replica's subscribers, `seconds` after it was appended. */
  eventFanout(seconds: number): void {
    this.fanoutLag.observe(Math.max(0, seconds));
  }

  /**
   * Adds a subscription transport's figures (`transport` e.g. "graphql-ws", "sse") to the
   * connection, subscription and slow-disconnect metrics; `read` is called at each scrape.
   * A second call for the same transport replaces the first.
   */
  addTransport(transport: string, read: () => TransportStats): void {
    this.transports.set(transport, read);
  }

  private registerTransportGauges(): void {
    const transports = this.transports;
    const gauge = (name: string, help: string, pick: (s: TransportStats) => number): void => {
      new Gauge({
        name,
        help,
        labelNames: ['transport'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const [transport, read] of transports) this.set({ transport }, pick(read()));
        },
      });
    };
    gauge('gateway_subscription_connections', 'Open subscription connections (graphql-ws sockets, SSE streams).', (s) => s.connections);
    gauge('gateway_subscriptions_active', 'Active subscriptions over those connections.', (s) => s.subscriptions);
    totalsCounter(
      this.registry,
      {
        name: 'gateway_subscriber_slow_disconnects_total',
        help: 'Subscribers closed because they did not take their events fast enough.',
        labelNames: ['transport'],
      },
      () => [...transports].map(([transport, read]) => [{ transport }, read().slowDisconnects] as const),
    );
  }
}

export type WebhookResult = 'accepted' | 'duplicate' | 'ignored' | 'rejected' | 'failed';

/** 2xx..5xx, or `error` when no answer came. */
export function statusClass(status: number | undefined): string {
  if (status === undefined || !(status >= 100 && status < 600)) return 'error';
  return `${Math.floor(status / 100)}xx`;
}

/**
 * A Prometheus counter read from running totals kept elsewhere (a governor's, the cache's, the
 * till-sale applier's) when it is scraped: nothing is counted twice and nothing runs between
 * scrapes. A counter has no set(), so it is rebuilt from the totals at each scrape. Labels are
 * outcomes and kinds, never ids, codes or credentials.
 */
export function totalsCounter<L extends string>(
  registry: Registry,
  def: { name: string; help: string; labelNames?: readonly L[] },
  read: () => Iterable<readonly [Partial<Record<L, string>>, number]>,
): void {
  new Counter({
    name: def.name,
    help: def.help,
    labelNames: def.labelNames ?? [],
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, n] of read()) this.inc(labels, n);
    },
  });
}
