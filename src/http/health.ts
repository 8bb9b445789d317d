import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Liveness and readiness, for load balancers and Kubernetes probes. Both are cheap and take no
 * token: they say nothing about data, only whether this replica should get traffic.
 *
 * - `/livez` (and its old name `/healthz`): the process serves HTTP. A failure means restart it.
 * - `/readyz`: this replica can do its work now: not draining (SIGTERM starts a drain, see
 *   graceful-shutdown.ts), and each dependency check passes (Redis answers PING where REDIS_URL
 *   is set, the event-log consumer is tailing). A failure means "send traffic elsewhere", never
 *   "restart": a Redis outage must not restart every replica at once.
 */

/** A dependency /readyz asks about; resolves true when it is usable. A throw counts as not ready. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

export interface ReadinessOptions {
  /** Named checks, e.g. `redis`, `eventLog`. Their names appear in /readyz's answer. */
  checks?: Record<string, ReadinessCheck>;
  /** A check that has not answered within this time counts as failed. Default 1,000 ms. */
  checkTimeoutMs?: number;
}

export interface ReadinessReport {
  ready: boolean;
  status: 'ready' | 'not ready' | 'draining';
  /** `ok` or `fail` per check; empty while draining (nothing is asked then). */
  checks: Record<string, 'ok' | 'fail'>;
}

/** What /readyz reports: the drain switch and the dependency checks. */
export class Readiness {
  private drainingSince: number | undefined;
  private readonly checks: Array<[string, ReadinessCheck]>;
  private readonly checkTimeoutMs: number;
  /** Probes that arrive while a round of checks runs share it: a probe storm is one PING. */
  private inFlight: Promise<ReadinessReport> | undefined;

  constructor(opts: ReadinessOptions = {}) {
    this.checks = Object.entries(opts.checks ?? {});
    this.checkTimeoutMs = opts.checkTimeoutMs ?? 1000;
    if (!Number.isSafeInteger(this.checkTimeoutMs) || this.checkTimeoutMs < 1) {
      throw new RangeError(`Readiness checkTimeoutMs must be a whole number of at least 1, got ${this.checkTimeoutMs}.`);
    }
  }

  /** From now on /readyz answers 503 `draining`. Idempotent. */
  startDraining(): void {
    this.drainingSince ??= Date.now();
  }

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  /** Runs the checks (or joins a round already running) and reports. */
  report(): Promise<ReadinessReport> {
    if (this.draining) return Promise.resolve({ ready: false, status: 'draining', checks: {} });
    return (this.inFlight ??= this.runChecks().finally(() => (this.inFlight = undefined)));
  }

  private async runChecks(): Promise<ReadinessReport> {
    const results = await Promise.all(this.checks.map(async ([name, check]) => [name, (await this.passes(check)) ? 'ok' : 'fail'] as const));
    const checks = Object.fromEntries(results);
    // A drain that began while the checks ran wins: the answer must not say ready after SIGTERM.
    if (this.draining) return { ready: false, status: 'draining', checks: {} };
    const ready = results.every(([, r]) => r === 'ok');
    return { ready, status: ready ? 'ready' : 'not ready', checks };
  }

  private async passes(check: ReadinessCheck): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.checkTimeoutMs)));
    try {
      return await Promise.race([Promise.resolve().then(check), timeout]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Probe paths: request logs for them are kept at debug (request-log.ts), they need no token. */
export const HEALTH_PATHS = ['/livez', '/healthz', '/readyz'] as const;

/**
 * /livez, /healthz (the same) and /readyz. Answers are `no-store`: a cached probe answer is a wrong one.
 * While draining, every answer also says `Connection: close`: a kept-alive client reconnects, to
 * another replica, and the listener can close as soon as requests in flight are done instead of
 * waiting out the keep-alive timeout of connections that went idle after close began.
 */
export function registerHealthRoutes(app: FastifyInstance, readiness: Readiness): void {
  app.addHook('onSend', async (_req, reply) => {
    if (readiness.draining) reply.header('connection', 'close');
  });
  const live = async (_req: unknown, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  };
  app.get('/livez', live);
  app.get('/healthz', live);
  app.get('/readyz', async (_req, reply) => {
    const report = await readiness.report();
    return reply
      .code(report.ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: report.status, checks: report.checks });
  });
}
