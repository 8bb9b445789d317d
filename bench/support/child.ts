import { fork, type ChildProcess } from 'node:child_process';
import { compiledScript } from './compiled';

/**
 * A bench helper process (a .ts file of the bench, run compiled: see ./compiled.ts) spoken to over
 * IPC: `ask` sends a message and resolves with the first answer of the expected type; an answer
 * `{ type: 'failed', message }` or the child's exit rejects it.
 */
export interface BenchChild {
  ask<T>(msg: object, type: string): Promise<T>;
  send(msg: object): void;
  /** Sends { type: 'close' } and waits for the exit; SIGKILL after `graceMs`. */
  close(graceMs?: number): Promise<void>;
  kill(): void;
}

export function forkBenchChild(script: string): BenchChild {
  const child: ChildProcess = fork(compiledScript(script), [], {
    // Plain node: not the ts-node this bench runs under (it puts itself in the children's execArgv).
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    ask: <T>(msg: object, type: string) =>
      new Promise<T>((resolve, reject) => {
        const onMessage = (m: { type: string; message?: string }): void => {
          if (m.type === 'failed') reject(new Error(`${script}: ${m.message}`));
          else if (m.type === type) resolve(m as T);
          else return;
          child.off('message', onMessage);
          child.off('exit', onExit);
        };
        const onExit = (): void => reject(new Error(`${script} exited`));
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send(msg);
      }),
    send: (msg) => child.send(msg),
    async close(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    kill: () => void child.kill('SIGKILL'),
  };
}
