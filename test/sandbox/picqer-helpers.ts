import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import type { PicqerSandbox } from '../../src/sandbox/picqer';

/**
 * Shared by the Picqer sandbox tests: one HTTP call to a sandbox (API or control surface), and a
 * real webhook receiver that records what it got.
 */

/** One call to a sandbox; `ua: null` and `key: null` leave those headers out. */
export async function call(
  sb: PicqerSandbox,
  method: string,
  path: string,
  opts: { key?: string | null; ua?: string | null; body?: unknown } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; json: any }> {
  const headers: Record<string, string> = {};
  const key = opts.key === undefined ? sb.apiKey : opts.key;
  if (key !== null) headers.authorization = 'Basic ' + Buffer.from(`${key}:ignored`).toString('base64');
  const ua = opts.ua === undefined ? 'gateway-tests (dev@example.invalid)' : opts.ua;
  if (ua !== null) headers['user-agent'] = ua;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const url = path.startsWith('/__sandbox') ? sb.origin + path : sb.baseUrl + path;
  const res = await request(url, { method: method as 'GET', headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

export interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
}

/** A real webhook receiver; `answer` decides each status from the delivery count so far. */
export async function startReceiver(answer: (n: number) => number = () => 200): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer(got.length)).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, server };
}
