import { writeFileSync } from 'node:fs';
import type { BalancerStats, StockChange } from './sandbox-process';
import type { JudgedRead, StalenessJudge } from './staleness';

/**
 * The cache bench's --trace: every read with a value superseded more than `windowMs` before it
 * was sent, with the history of each product it got wrong (the sandbox's changes) and the stock
 * deliveries of that product (which replica acknowledged which, when), so a stale read can be
 * followed to its cause. Times are ms relative to the first read.
 */
export function writeTrace(
  file: string,
  reads: readonly JudgedRead[],
  judge: StalenessJudge,
  changes: readonly StockChange[],
  deliveries: BalancerStats['deliveries'],
  windowMs: number,
): void {
  const origin = reads.length ? reads[0].t0 : 0;
  const rel = (t: number): number => t - origin;
  const stale: object[] = [];
  const products = new Set<number>();
  for (const r of reads) {
    const bad: number[][] = [];
    for (let i = 0; i < r.values.length; i += 3) {
      const lag = judge.lag(r.values[i], r.values[i + 1], r.values[i + 2], r.t0, r.t1);
      if (lag === null || lag > windowMs) bad.push([r.values[i], r.values[i + 1], r.values[i + 2], lag ?? -1]);
    }
    if (!bad.length) continue;
    bad.forEach(([id]) => products.add(id));
    stale.push({ t0: rel(r.t0), t1: rel(r.t1), replica: r.replica, page: r.isPage, bad });
  }
  const perProduct: Record<number, object> = {};
  for (const id of products) {
    perProduct[id] = {
      changes: changes.filter((c) => c.idproduct === id).map((c) => [rel(c.at), c.idwarehouse, c.freeStockBefore, c.freeStock]),
      deliveries: deliveries
        .filter((d) => d[1] === id)
        .map(([event, , replica, queued, acked, at, stock]) => [event, replica, rel(queued), rel(acked), at, stock]),
    };
  }
  writeFileSync(file, JSON.stringify({ windowMs, stale, products: perProduct }, null, 1));
}
