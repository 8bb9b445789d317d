import { tracing } from './tracing';
import 'reflect-metadata';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger, prettyLogsWanted, type Logger } from './logger';
import { startGateway, type RunningGateway } from './app';
import { gracefulShutdown } from './http/graceful-shutdown';
import { startSandboxes, type RunningSandboxes } from './sandbox-mode';

/**
 * Process entry. With SANDBOX=true (or auto, which `npm start` sets, and no Picqer credentials) the
 * upstream emulators start on free local ports, seeded with invented demo data, and the gateway
 * talks to them. SIGTERM and SIGINT drain and shut down (http/graceful-shutdown.ts).
 */

/** How often sandbox mode repeats where GraphiQL and the demo token are, once the banner has scrolled away. */
const SANDBOX_REMINDER_MS = 5 * 60_000;

async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel, undefined, {
    pretty: prettyLogsWanted(config.logFormat, { tty: process.stdout.isTTY === true, sandbox: config.sandbox, production: config.production }),
  });
  const sandboxes = config.sandbox ? await startSandboxes(config, logger, { tokenFile: path.join(tmpdir(), 'picqer-gateway-demo-token') }) : undefined;
  const effective = sandboxes ? sandboxes.config : config;
  const running = await startGateway(effective, logger, { graphiqlHeaders: sandboxes?.graphiqlHeaders });
  sandboxes?.connect(running.url);
  const reminder = sandboxes ? remindEvery(SANDBOX_REMINDER_MS, running, sandboxes, logger) : undefined;
  // After the start-up lines: pino-pretty writes from a worker thread, and may still hold some.
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  printBanner(running, sandboxes);

  const shutdown = gracefulShutdown({
    readiness: running.readiness,
    drainMs: config.shutdownDrainMs,
    timeoutMs: config.shutdownTimeoutMs,
    logger,
    close: async () => {
      clearInterval(reminder);
      await running.close();
      await sandboxes?.close();
      // Last: spans of the shutdown itself are exported too, not lost with the process.
      await tracing?.shutdown();
    },
  });
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/** The validated config, or the problems on stderr and exit 1. */
function configOrExit(): Readonly<Config> {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** Printed once, on stdout (not a log line: in sandbox mode it carries the demo token). */
function printBanner(running: RunningGateway, sandboxes: RunningSandboxes | undefined): void {
  const lines = [
    '',
    `Picqer Gateway ${sandboxes ? '(sandbox mode: invented demo data, no upstream credentials)' : ''}`,
    `  GraphiQL:  ${running.url}/graphql`,
    `  Health:    ${running.url}/livez (ready: ${running.url}/readyz)`,
    ...(sandboxes?.banner ?? []),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** An info line every `ms` with GraphiQL's address and where the demo token is (never the token). */
function remindEvery(ms: number, running: RunningGateway, sandboxes: RunningSandboxes, logger: Logger): NodeJS.Timeout {
  const timer = setInterval(
    () => logger.info({ graphiql: `${running.url}/graphql`, demoTokenFile: sandboxes.tokenFile }, 'sandbox mode: GraphiQL is open with the demo token'),
    ms,
  );
  return timer.unref();
}

main().catch((err: unknown) => {
  process.stderr.write(`Failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
