import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort } from './free-port';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './until';

/**
 * A redis-server of a test's own that persists like a production event log should: append-only
 * file, fsync before every answer (`appendfsync always`), so whatever it acknowledged survives
 * `kill -9`. Restarts reuse the port and the data directory, so a killed server comes back with its
 * data, as a supervised one would. (PrivateRedis is the non-persistent one.)
 */
export class DurableRedis {
  private proc?: ChildProcess;

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  /** Picks a free port and a fresh data directory; call start() to run the server. */
  static async create(): Promise<DurableRedis> {
    const port = await freePort();
    return new DurableRedis(port, mkdtempSync(join(tmpdir(), 'pgw-durable-redis-')));
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server and resolves once it answers PING (so it has loaded its append-only file). */
  async start(): Promise<void> {
    this.proc = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''],
      { stdio: 'ignore' },
    );
    await until(async () => (await this.ping()) === '+PONG', `redis-server on port ${this.port} to answer PING`, { everyMs: 50, timeoutMs: 5000 });
  }

  /** SIGKILL (a crash, no chance to flush anything) and waits for the process to be gone. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL', true);
  }

  /** SIGSTOP / SIGCONT: a Redis that hangs, connections open but no answers. */
  async pause(): Promise<void> {
    await this.signal('SIGSTOP', false);
  }

  async resume(): Promise<void> {
    await this.signal('SIGCONT', false);
  }

  /** Kills the server and removes its data directory. */
  async destroy(): Promise<void> {
    await this.resume().catch(() => undefined);
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async signal(sig: NodeJS.Signals, waitForExit: boolean): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    if (!waitForExit) {
      p.kill(sig);
      return;
    }
    this.proc = undefined;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill(sig);
    });
  }

  /** One PING over a bare socket: "+PONG", "-LOADING …" while loading, or null when closed. */
  private ping(): Promise<string | null> {
    return new Promise((resolve) => {
      const sock = connect(this.port, '127.0.0.1');
      let got = '';
      const done = (v: string | null): void => {
        sock.destroy();
        resolve(v);
      };
      sock.once('connect', () => sock.write('PING\r\n'));
      sock.on('data', (d) => {
        got += d.toString('latin1');
        if (got.includes('\r\n')) done(got.slice(0, got.indexOf('\r\n')).split(' ')[0]);
      });
      sock.once('error', () => done(null));
      sock.once('close', () => done(got ? got : null));
    });
  }
}
