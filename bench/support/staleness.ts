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
