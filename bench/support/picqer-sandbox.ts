import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { PICQER_HOOK_EVENTS, startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';

/**
 * The Picqer sandbox as a child process of a bench (child_process.fork of its compiled JavaScript,
 * ./compiled.ts; the parent side is ./sandbox-process.ts), so the bench's own load (its
 * simulated frontends) does not delay the sandbox's answers and webhook deliveries, nor the other
 * way round. Besides the sandbox it runs a webhook balancer: a tiny HTTP proxy that hands each
 * delivery to the next gateway replica in turn, as a load balancer in front of the replicas would,
 * and times each delivery: `answerMs` from forwarding to the replica's answer, `lagMs` from the
 * change (the dispatch) to the replica's acknowledgement, queueing behind earlier deliveries included,
 * and for free-stock deliveries which product's change was acknowledged when (`stockAcks`).
 *
 * Parent -> child: { type: 'start', products, seed } | { type: 'balance', targets, secret, events }
 *   | { type: 'balancer-stats' } | { type: 'close' }
 * Child -> parent: { type: 'ready', origin, baseUrl, apiKey, at, snapshot } | { type: 'balancing', address, events, unsupported }
 *   | { type: 'balancer-stats', forwarded, failed, answerMs, lagMs, stockAcks } | { type: 'failed', message }
 *
 * `snapshot` is every product's free stock per warehouse at `at`, before anything moved: the
 * start of the stock history a bench judges reads against (the changes since come from the
 * sandbox's own GET /__sandbox/stock-history).
 */

/** One row of the snapshot: [idproduct, productcode, idwarehouse, freestock]. */
export type SnapshotRow = [number, string, number, number];

/** A change of a product's stock in one warehouse, the state after it (the shape of GET /__sandbox/stock-history). */
export interface StockChange {
  at: number;
  idproduct: number;
  productcode: string;
  idwarehouse: number;
  stock: number;
  reserved: number;
  freeStock: number;
  freeStockBefore: number;
}

type FromParent =
  | { type: 'start'; products: number; seed: number }
  | { type: 'balance'; targets: string[]; secret: string; events: string[] }
  | { type: 'balancer-stats' }
  | { type: 'close' };

let sandbox: PicqerSandbox | undefined;
let balancer: Server | undefined;
const balance = {
  targets: [] as string[],
  next: 0,
  forwarded: [] as number[],
  failed: 0,
  answerMs: [] as number[],
  lagMs: [] as number[],
  /** Acknowledged products.free_stock_changed deliveries: [idproduct, queued at, acknowledged at] (ms). */
  stockAcks: [] as Array<[number, number, number]>,
  /** Every acknowledged stock delivery, for a bench's --trace: [event, idproduct, replica, queued at, acknowledged at, event_triggered_at, free stock per warehouse]. */
  deliveries: [] as Array<[string, number, number, number, number, string, Array<[number, number]>]>,
};
/** Per event, when each delivery not yet acknowledged was queued (one hook per event: the dispatcher delivers them in order). */
const queued = new Map<string, number[]>();

function reply(msg: object): void {
  process.send?.(msg);
}

async function start(products: number, seed: number): Promise<void> {
  sandbox = await startPicqerSandbox({ products, seed });
  const at = Date.now();
  const snapshot: SnapshotRow[] = [];
  for (const p of sandbox.state.products) {
    for (const row of p.stock) {
      snapshot.push([p.idproduct, p.productcode, row.idwarehouse, row.freestock]);
    }
  }
  const hooks = sandbox.state.hooks;
  const dispatch = hooks.dispatch.bind(hooks);
  hooks.dispatch = (event: string, data: unknown) => {
    if (hooks.hooks.some((h) => h.active && h.event === event)) {
      const times = queued.get(event) ?? [];
      times.push(Date.now());
      queued.set(event, times);
    }
    dispatch(event, data);
  };
  reply({ type: 'ready', origin: sandbox.origin, baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, at, snapshot });
}

/** Starts the balancer and registers one hook per event (those the sandbox knows) pointing at it. */
async function startBalancing(targets: string[], secret: string, events: string[]): Promise<void> {
  if (!sandbox) throw new Error('sandbox not started');
  balance.targets = targets;
  balance.forwarded = targets.map(() => 0);
  balancer = createServer((req, res) => void forward(req, res));
  balancer.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => balancer!.listen(0, '127.0.0.1', () => resolve()));
  const address = `http://127.0.0.1:${(balancer.address() as AddressInfo).port}/webhooks/picqer`;
  const known = events.filter((e) => PICQER_HOOK_EVENTS.includes(e));
  // Registered on the sandbox's state, not through its API: setting up costs the run no budget.
  for (const event of known) sandbox.state.hooks.create({ name: 'bench cache', event, address, secret });
  reply({ type: 'balancing', address, events: known, unsupported: events.filter((e) => !known.includes(e)) });
}

/** Hands one delivery to the next replica and relays its answer (502 when it cannot be reached). */
async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const k = balance.next++ % balance.targets.length;
  const t0 = performance.now();
  try {
    const answer = await request(balance.targets[k] + (req.url ?? '/'), {
      method: 'POST',
      body,
      headers: {
        'content-type': req.headers['content-type'] ?? 'application/json',
        ...(req.headers['x-picqer-signature'] ? { 'x-picqer-signature': String(req.headers['x-picqer-signature']) } : {}),
      },
    });
    const text = Buffer.from(await answer.body.arrayBuffer());
    balance.forwarded[k] += 1;
    balance.answerMs.push(performance.now() - t0);
    if (answer.statusCode >= 200 && answer.statusCode < 300) {
      const delivery = JSON.parse(body.toString('utf8')) as {
        event: string;
        event_triggered_at?: string;
        data?: { idproduct?: number; stock?: Array<{ idwarehouse: number; freestock: number }> };
      };
      const since = queued.get(delivery.event)?.shift();
      const now = Date.now();
      if (since !== undefined) balance.lagMs.push(now - since);
      if (since !== undefined && delivery.event === 'products.free_stock_changed' && typeof delivery.data?.idproduct === 'number') {
        balance.stockAcks.push([delivery.data.idproduct, since, now]);
      }
      if (since !== undefined && typeof delivery.data?.idproduct === 'number' && Array.isArray(delivery.data.stock)) {
        const stock = delivery.data.stock.map((r): [number, number] => [r.idwarehouse, r.freestock]);
        balance.deliveries.push([delivery.event, delivery.data.idproduct, k, since, now, delivery.event_triggered_at ?? '', stock]);
      }
    }
    res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? 'application/json') });
    res.end(text);
  } catch {
    balance.failed += 1;
    res.writeHead(502);
    res.end();
  }
}

async function shutdown(code: number): Promise<void> {
  try {
    balancer?.closeAllConnections();
    await new Promise<void>((resolve) => (balancer ? balancer.close(() => resolve()) : resolve()));
    await sandbox?.close();
  } finally {
    process.exit(code);
  }
}

process.on('message', (msg: FromParent) => {
  const failed = (err: unknown) => reply({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  switch (msg.type) {
    case 'start':
      start(msg.products, msg.seed).catch(failed);
      return;
    case 'balance':
      startBalancing(msg.targets, msg.secret, msg.events).catch(failed);
      return;
    case 'balancer-stats': {
      const { forwarded, failed: unreachable, answerMs, lagMs, stockAcks, deliveries } = balance;
      reply({ type: 'balancer-stats', forwarded, failed: unreachable, answerMs, lagMs, stockAcks, deliveries });
      return;
    }
    case 'close':
      void shutdown(0);
  }
});
process.on('disconnect', () => void shutdown(0));
