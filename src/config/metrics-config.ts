import type { Env } from './env';

/**
 * Where /metrics is served and to whom (README "Metrics"). Sandbox and development: on the main
 * port, open. Production (NODE_ENV=production with real upstreams) must choose: a separate
 * listener (METRICS_PORT, kept off the public network) or a bearer token (METRICS_TOKEN); the
 * figures name upstreams, callers and operations, which is not for the internet.
 */
export interface MetricsConfig {
  /** METRICS_PORT: /metrics on its own listener (same HOST) and no longer on the main port. 0 picks a free port. */
  port?: number;
  /** METRICS_TOKEN: /metrics asks for `Authorization: Bearer <token>`, wherever it is served. */
  token?: string;
  /** METRICS_OPERATION_NAMES: operation names reported as themselves (comma-separated); any other is "other". */
  operationNames: readonly string[];
}

/** Production without a separate port or a token would publish the figures next to /graphql. */
export function metricsProblems(e: Env): string[] {
  const sandbox = e.SANDBOX ?? !e.PICQER_API_KEY;
  if (e.NODE_ENV !== 'production' || sandbox || e.METRICS_PORT !== undefined || e.METRICS_TOKEN) return [];
  return ['METRICS_PORT or METRICS_TOKEN must be set in production: /metrics is served on its own port or behind a bearer token'];
}

export function metricsConfig(e: Env): MetricsConfig {
  return {
    ...(e.METRICS_PORT !== undefined ? { port: e.METRICS_PORT } : {}),
    ...(e.METRICS_TOKEN ? { token: e.METRICS_TOKEN } : {}),
    operationNames: (e.METRICS_OPERATION_NAMES ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  };
}
