import path from 'node:path';
import { forkBenchChild } from './child';

/** A gateway replica running in its own process (./replica.ts), as a bench sees it. */
export interface ForkedReplica {
  url: string;
  stats(): Promise<{ subscribers: number; rssMb: number; cpuMs: number; sysMs: number }>;
  /** Starts a V8 CPU profile in the replica; profileStop writes it to `file` (Chrome DevTools reads it). */
  profileStart(): void;
  profileStop(file: string): Promise<void>;
  close(): Promise<void>;
}

/** Forks bench/support/replica.ts, starts the gateway with `env` and waits for its URL. */
export async function forkReplica(env: Record<string, string>): Promise<ForkedReplica> {
  const child = forkBenchChild(path.join(__dirname, 'replica.ts'));
  try {
    const { url } = await child.ask<{ url: string }>({ type: 'start', env }, 'ready');
    return {
      url,
      stats: () => child.ask({ type: 'stats' }, 'stats'),
      profileStart: () => child.send({ type: 'profile-start' }),
      profileStop: async (file) => {
        await child.ask({ type: 'profile-stop', file }, 'profiled');
      },
      close: () => child.close(),
    };
  } catch (err) {
    child.kill();
    throw err;
  }
}
