import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { request } from 'undici';
import WebSocket from 'ws';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { until } from '../helpers/until';

/**
 * SIGTERM on a gateway process, as Kubernetes sends it: /readyz turns 503 while the rest still
 * serves (the drain), a query already running completes, a graphql-ws subscriber is closed with
 * a code its client retries (1001), and the process exits 0, i.e. before SHUTDOWN_TIMEOUT_MS
 * (graceful-shutdown.ts exits 1 when the deadline wins). The gateway is a child process started
 * the way the container starts it (NODE_ENV=production, JSON logs), against the Picqer sandbox.
 */

jest.setTimeout(90_000);

const ROOT = path.resolve(__dirname, '../..');

/** A pass-through in front of the sandbox that counts requests as they arrive (the sandbox counts them after its latency). */
interface CountingProxy {
  url: string;
  arrived: string[];
  close(): Promise<void>;
}

function countingProxy(target: string): Promise<CountingProxy> {
  const to = new URL(target);
  const arrived: string[] = [];
  const server: Server = createServer((req, res) => {
    arrived.push(req.url ?? '');
    const up = httpRequest({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}`, arrived, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

interface GatewayProcess {
  child: ChildProcess;
  url: string;
  /** stdout lines so far (JSON log lines and the banner). */
  lines: string[];
  exited: Promise<number | null>;
}

function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  let rest = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString('utf8')).split('\n');
    rest = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const started = setInterval(() => {
      const banner = lines.map((l) => /GraphiQL:\s+(http:\/\/\S+)\/graphql/.exec(l)).find(Boolean);
      if (banner) {
        clearInterval(started);
        resolve({ child, url: banner[1], lines, exited });
      }
    }, 20);
    void exited.then((code) => {
      clearInterval(started);
      reject(new Error(`gateway exited with ${code} before it started: ${stderr.slice(0, 2000)}`));
    });
  });
}

function logLines(lines: string[]): Array<Record<string, unknown>> {
  return lines.flatMap((l) => {
    if (!l.startsWith('{')) return [];
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

describe('SIGTERM', () => {
  let picqer: PicqerSandbox;
  let proxy: CountingProxy;
  let gateway: GatewayProcess | undefined;

  beforeAll(async () => {
    picqer = await startPicqerSandbox({ products: 20, orders: 5 });
    proxy = await countingProxy(picqer.baseUrl);
  });

  afterAll(async () => {
    if (gateway && gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
    await proxy?.close();
    await picqer?.close();
  });

  it('turns /readyz 503 first, lets a running query finish, closes subscribers with 1001 and exits 0 within the timeout', async () => {
    gateway = await startGatewayProcess({
      NODE_ENV: 'production',
      AUTH_DISABLED: 'true',
      AUDIT_LOG: 'off',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_FORMAT: 'json',
      PICQER_SUBDOMAIN: 'sandbox',
      PICQER_API_KEY: picqer.apiKey,
      PICQER_BASE_URL: `${proxy.url}${new URL(picqer.baseUrl).pathname}`,
      PICQER_WARMUP_PAGES: '0',
      METRICS_TOKEN: 'metrics-token-for-the-shutdown-test',
      SHUTDOWN_DRAIN_MS: '3000',
      SHUTDOWN_TIMEOUT_MS: '30000',
    });
    const { url } = gateway;
    expect((await request(`${url}/readyz`)).statusCode).toBe(200);

    // A subscriber with its socket open.
    const closes: number[] = [];
    const client = createClient({
      url: url.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
    });
    client.on('closed', (e) => closes.push((e as { code: number }).code));
    const acked = new Promise<void>((resolve) => client.on('connected', () => resolve()));
    client.subscribe(
      { query: 'subscription { freeStockChanged { productcode } }' },
      { next: () => undefined, error: () => undefined, complete: () => undefined },
    );
    await acked;

    // A slow query, in flight at the gateway's Picqer call when the signal comes.
    await request(`${picqer.origin}/__sandbox/config`, {
      method: 'PUT',
      body: JSON.stringify({ latencyMs: 6000 }),
      headers: { 'content-type': 'application/json' },
    });
    const slow = request(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query Slow { products(first: 1) { edges { node { productcode } } } }' }),
    });
    await until(() => proxy.arrived.some((p) => p.includes('/products')), 'the query reaching Picqer');

    gateway.child.kill('SIGTERM');
    gateway.child.kill('SIGTERM');
    let readyz = 200;
    await until(async () => (readyz = (await request(`${url}/readyz`)).statusCode) === 503, '/readyz answering 503');
    expect(readyz).toBe(503);
    // Still serving while it drains: only readiness changed.
    expect((await request(`${url}/livez`)).statusCode).toBe(200);

    const answer = await slow;
    expect(answer.statusCode).toBe(200);
    const body = (await answer.body.json()) as { data?: { products: { edges: unknown[] } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.products.edges).toHaveLength(1);

    expect(await gateway.exited).toBe(0);
    await until(() => closes.length > 0, 'the subscriber to be closed');
    expect(closes).toEqual([1001]);
    await client.dispose();

    const logs = logLines(gateway.lines);
    expect(logs.filter((l) => l.msg === 'shutting down')).toHaveLength(1);
    expect(logs.filter((l) => l.msg === 'shut down')).toHaveLength(1);
  });
});
