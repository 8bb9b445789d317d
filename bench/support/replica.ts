import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { startGateway, type RunningGateway } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';

/**
 * One gateway replica of a bench, run as a child process (child_process.fork of its compiled
 * JavaScript, ./compiled.ts, as `npm start` runs dist/). The parent sends the environment over IPC; the replica
 * starts the real gateway (`startGateway`) and answers with its URL. It then answers questions
 * (subscriber count, RSS) and closes on request, or by itself if the parent goes away.
 *
 * Parent -> replica: { type: 'start', env } | { type: 'stats' } | { type: 'close' }
 *   | { type: 'profile-start' } | { type: 'profile-stop', file }
 * Replica -> parent: { type: 'ready', url } | { type: 'stats', subscribers, rssMb, cpuMs, sysMs } | { type: 'failed', message }
 *   | { type: 'profiled', file }
 * The profile messages record a V8 CPU profile of just the span between them (a measured scenario,
 * without start-up and warm-up) into `file`, readable by Chrome DevTools.
 */

type FromParent =
  { type: 'start'; env: Record<string, string> } | { type: 'stats' } | { type: 'close' } | { type: 'profile-start' } | { type: 'profile-stop'; file: string };

let profiler: Session | undefined;

let running: RunningGateway | undefined;

function reply(msg: object): void {
  process.send?.(msg);
}

async function shutdown(code: number): Promise<void> {
  try {
    await running?.close();
  } finally {
    process.exit(code);
  }
}

process.on('message', (msg: FromParent) => {
  switch (msg.type) {
    case 'start':
      startGateway(loadConfig(msg.env), createLogger('silent')).then(
        (gw) => {
          running = gw;
          reply({ type: 'ready', url: gw.url });
        },
        (err: unknown) => reply({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
      );
      return;
    case 'stats': {
      const events = running?.services.events;
      const cpu = process.cpuUsage();
      reply({
        type: 'stats',
        subscribers: events?.bus.subscriberCount() ?? 0,
        rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
        sysMs: Math.round(cpu.system / 1000),
      });
      return;
    }
    case 'profile-start':
      profiler = new Session();
      profiler.connect();
      void profiler.post('Profiler.enable').then(() => profiler?.post('Profiler.start'));
      return;
    case 'profile-stop': {
      const session = profiler;
      profiler = undefined;
      const written = session ? session.post('Profiler.stop').then(({ profile }) => writeFile(msg.file, JSON.stringify(profile))) : Promise.resolve();
      // Always answer, so the bench does not wait for a profile that will not come.
      void written
        .catch((err: unknown) => process.stderr.write(`replica: no profile written to ${msg.file}: ${err instanceof Error ? err.message : String(err)}\n`))
        .finally(() => {
          session?.disconnect();
          reply({ type: 'profiled', file: msg.file });
        });
      return;
    }
    case 'close':
      void shutdown(0);
  }
});
// An orphaned replica must not keep a port and Redis connections: leave with the parent.
process.on('disconnect', () => void shutdown(0));
