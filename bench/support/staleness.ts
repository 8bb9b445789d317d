import type { SnapshotRow, StockChange } from './sandbox-process';

/**
 * Judges the free stock a gateway returned against the sandbox's own history of it. Per product
 * and warehouse it holds a timeline: the snapshot's value from the start, then the value after
 * each recorded change, at the change's time (all times on this machine's clock, ms).
 *
 * A value read by a request sent at t0 and answered at t1 has lag 0 when it held at some moment
 * in [t0, t1]; otherwise its lag is t0 minus the time it last stopped holding before t0 (how long
 * it had already been superseded when the request was sent); null when it never held before t1
 * (a value the sandbox never had).
 */
export class StalenessJudge {
  private readonly timelines = new Map<number, { times: number[]; values: number[] }>();
  /** Changes whose freeStockBefore differs from the value the timeline had (a gap in the history). */
  readonly mismatches: number;

  constructor(snapshot: readonly SnapshotRow[], changes: readonly StockChange[]) {
    for (const [idproduct, , idwarehouse, freestock] of snapshot) {
      this.timelines.set(key(idproduct, idwarehouse), { times: [-Infinity], values: [freestock] });
    }
    let mismatches = 0;
    for (const c of changes) {
      const k = key(c.idproduct, c.idwarehouse);
      let t = this.timelines.get(k);
      if (!t) this.timelines.set(k, (t = { times: [-Infinity], values: [c.freeStockBefore] }));
      if (t.values[t.values.length - 1] !== c.freeStockBefore) mismatches += 1;
      t.times.push(c.at);
      t.values.push(c.freeStock);
    }
    this.mismatches = mismatches;
  }

  lag(idproduct: number, idwarehouse: number, value: number, t0: number, t1: number): number | null {
    const t = this.timelines.get(key(idproduct, idwarehouse));
    if (!t) return null;
    const { times, values } = t;
    let i = times.length - 1;
    while (times[i] > t0) i--;
    for (let j = i; j < times.length && times[j] <= t1; j++) if (values[j] === value) return 0;
    // values[i] differs; going back, the first j that held `value` stopped holding at times[j + 1].
    for (let j = i - 1; j >= 0; j--) if (values[j] === value) return t0 - times[j + 1];
    return null;
  }
}

function key(idproduct: number, idwarehouse: number): number {
  return idproduct * 1000 + idwarehouse;
}

/** One answered read: when it was sent (t0) and answered (t1), and the free stock it returned as [idproduct, idwarehouse, freeStock, ...]. */
export interface JudgedRead {
  t0: number;
  t1: number;
  values: number[];
  /** Which replica answered, and whether it was a page read (for a trace). */
  replica?: number;
  isPage?: boolean;
}

export interface Verdict {
  /** Reads with a value superseded more than windowMs before t0, or never the sandbox's. */
  stale: number;
  /** Reads with a value the sandbox never had (counted in `stale`). */
  wrong: number;
  /** Reads with any lag above 0 (a superseded value, however briefly). */
  behind: number;
  values: number;
  /** Per read, its worst value's lag (0 when fresh or wrong). */
  lags: number[];
  maxLag: number;
  /**
   * Of the superseded values, how long after the replica acknowledged the webhook of the change
   * that superseded it the request was sent: the freshness contract's N. Only values whose
   * superseding change's delivery was acknowledged before t0 count.
   */
  afterAck: { values: number; staleReads: number; maxMs: number };
}

/** How far to look back from a change for its delivery: the history may stamp a change a little after it dispatched. */
const DISPATCH_SLACK_MS = 5;

/**
 * Judges every read; `stockAcks` ([idproduct, queued at, acknowledged at], in delivery order)
 * attributes a lag to the delivery pipeline (change not yet acknowledged) or to the gateway
 * (acknowledged, still served).
 */
export function judgeReads(reads: readonly JudgedRead[], judge: StalenessJudge, stockAcks: ReadonlyArray<[number, number, number]>, windowMs: number): Verdict {
  const acks = new Map<number, Array<[number, number]>>();
  for (const [idproduct, queuedAt, ackAt] of stockAcks) {
    const list = acks.get(idproduct) ?? [];
    list.push([queuedAt, ackAt]);
    acks.set(idproduct, list);
  }
  const ackOf = (idproduct: number, changedAt: number): number | undefined => acks.get(idproduct)?.find(([q]) => q >= changedAt - DISPATCH_SLACK_MS)?.[1];
  const v: Verdict = { stale: 0, wrong: 0, behind: 0, values: 0, lags: [], maxLag: 0, afterAck: { values: 0, staleReads: 0, maxMs: 0 } };
  for (const r of reads) {
    let lag = 0;
    let never = false;
    let afterAck = 0;
    for (let i = 0; i < r.values.length; i += 3) {
      const l = judge.lag(r.values[i], r.values[i + 1], r.values[i + 2], r.t0, r.t1);
      v.values += 1;
      if (l === null) never = true;
      else lag = Math.max(lag, l);
      const ack = l ? ackOf(r.values[i], r.t0 - l) : undefined;
      if (ack !== undefined && ack < r.t0) {
        v.afterAck.values += 1;
        afterAck = Math.max(afterAck, r.t0 - ack);
      }
    }
    if (never) v.wrong += 1;
    if (lag > 0) v.behind += 1;
    if (never || lag > windowMs) v.stale += 1;
    if (afterAck > windowMs) v.afterAck.staleReads += 1;
    v.afterAck.maxMs = Math.max(v.afterAck.maxMs, afterAck);
    v.maxLag = Math.max(v.maxLag, lag);
    v.lags.push(lag);
  }
  return v;
}
