import { prng } from '../catalog';
import type { PicqerStore } from './store';

/**
 * The warehouse at work, for the live demo: every tick it picks (closes) the oldest open picklist,
 * which completes its order, and takes in one new order so there is always work. Stock that runs
 * low is replenished, as a goods receipt would. Every step goes through the store, so the same
 * webhooks fire as for a manual change.
 */
export class PicqerSimulator {
  private timer: NodeJS.Timeout | null = null;
  private cursor = 0;
  private rate = 0;
  private readonly rnd: () => number;
  /** Picks done since start (for stats). */
  picks = 0;

  constructor(
    private readonly store: PicqerStore,
    seed: number,
  ) {
    this.rnd = prng(seed + 4241);
  }

  get picksPerMinute(): number {
    return this.rate;
  }

  /** Starts, re-paces or (with 0) stops the simulator. */
  setRate(picksPerMinute: number): void {
    if (!Number.isFinite(picksPerMinute) || picksPerMinute < 0 || picksPerMinute > 60_000) {
      throw new RangeError(`picksPerMinute must be a number from 0 to 60000, got ${picksPerMinute}`);
    }
    this.stop();
    this.rate = picksPerMinute;
    if (picksPerMinute === 0) return;
    this.timer = setInterval(() => this.tick(), Math.max(1, Math.round(60_000 / picksPerMinute)));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.rate = 0;
  }

  /** One step: close the oldest open picklist, then add a new order. Exposed for tests. */
  tick(): void {
    const picklists = this.store.picklists;
    // Picklists only ever get appended, and closed ones stay closed, so a cursor avoids rescanning.
    while (this.cursor < picklists.length && picklists[this.cursor].status !== 'new') this.cursor++;
    if (this.cursor < picklists.length) {
      this.store.closePicklist(picklists[this.cursor].idpicklist);
      this.picks++;
    }
    this.newOrder();
  }

  private newOrder(): void {
    const products = this.store.products;
    const idwarehouse = this.rnd() < 0.8 ? 1 : 2;
    const lines: Array<{ idproduct: number; amount: number }> = [];
    const n = 1 + Math.floor(this.rnd() * 3);
    for (let i = 0; i < n; i++) {
      const p = products[Math.floor(this.rnd() * products.length)];
      if (lines.some((l) => l.idproduct === p.idproduct)) continue;
      const amount = 1 + Math.floor(this.rnd() * 2);
      const row = this.store.stockRow(p, idwarehouse);
      if (row.freestock < amount) this.store.changeStock({ idproduct: p.idproduct }, idwarehouse, { change: 20 + Math.floor(this.rnd() * 40) });
      lines.push({ idproduct: p.idproduct, amount });
    }
    if (lines.length === 0) return;
    const customers = this.store.customers;
    this.store.createProcessingOrder(lines, idwarehouse, customers[Math.floor(this.rnd() * customers.length)].idcustomer);
  }
}
