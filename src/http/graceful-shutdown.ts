import type { Logger } from '../logger';
import type { Readiness } from './health';

/**
 * What SIGTERM does, in order, within one deadline:
 * 1. /readyz answers 503 for `drainMs`, while everything else still works, so load balancers and
 *    Kubernetes' endpoints stop sending new traffic before the listener goes away;
 * 2. `close()`: the listener stops accepting, requests in flight finish (Fastify answers any new
 *    request on a kept-alive connection 503 with `Connection: close`), graphql-ws sockets are
 *    closed with 1001 "Going away", which graphql-ws clients retry; a client that resubscribes
 *    with `after:` the last event id it saw gets what it missed from the event log;
 * 3. exit 0. If `timeoutMs` (counted from the signal, drain included) passes first, exit 1 with
 *    what was still open cut: a stuck upstream or a client that never ends its stream must not
 *    hold the replica past its grace period, where it would be killed without a word.
 *
 * A second signal does not start a second shutdown: "shutting down" is logged once.
 */

export interface ShutdownOptions {
  readiness: Readiness;
  /** SHUTDOWN_DRAIN_MS. */
  drainMs: number;
  /** SHUTDOWN_TIMEOUT_MS: signal to exit, drain included. */
  timeoutMs: number;
  /** Closes the gateway (and the sandboxes): the listener, sockets, services. */
  close: () => Promise<void>;
  logger: Logger;
  /** Default process.exit; tests pass a recorder. */
  exit?: (code: number) => void;
}

/** Returns the signal handler; call it with the signal's name. Resolves once exit has been called. */
export function gracefulShutdown(opts: ShutdownOptions): (signal: string) => Promise<void> {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let started: Promise<void> | undefined;
  const run = async (signal: string): Promise<void> => {
    const startedAt = Date.now();
    opts.logger.info({ signal, drainMs: opts.drainMs, timeoutMs: opts.timeoutMs }, 'shutting down');
    opts.readiness.startDraining();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), opts.timeoutMs)));
    const orderly = (async () => {
      if (opts.drainMs > 0) await new Promise((resolve) => setTimeout(resolve, opts.drainMs));
      await opts.close();
      return 'closed' as const;
    })().catch((err: unknown) => {
      opts.logger.error({ err: { message: (err as Error).message } }, 'error while shutting down');
      return 'failed' as const;
    });
    const outcome = await Promise.race([orderly, deadline]);
    clearTimeout(timer);
    if (outcome === 'timeout') opts.logger.warn({ timeoutMs: opts.timeoutMs }, 'shutdown timed out; exiting with work still open');
    else opts.logger.info({ ms: Date.now() - startedAt }, 'shut down');
    exit(outcome === 'closed' ? 0 : 1);
  };
  return (signal) => (started ??= run(signal));
}
