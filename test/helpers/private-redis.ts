import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from './free-port';
import { until } from './until';

/**
 * A redis-server of a test's own on a spare port, for tests that stop Redis mid-run (the shared
 * one on 6379 must stay up for everyone else). Nothing is persisted.
 */
export class PrivateRedis {
  private proc?: ChildProcess;

  private constructor(readonly port: number) {}

  /** Picks a free port; call start() to run the server. */
  static async onFreePort(): Promise<PrivateRedis> {
    const port = await freePort();
    return new PrivateRedis(port);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await until(() => this.accepting(), `redis-server to accept connections on port ${this.port}`, { everyMs: 100, timeoutMs: 5000 });
  }

  /** Kills the server (SIGKILL: an outage, not a clean shutdown) and waits for it to exit. */
  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }

  /** A bare socket probe: no client to tear down afterwards. */
  private accepting(): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const sock = connect(this.port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
  }
}
