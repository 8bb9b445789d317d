import type { ProductRecord, StockRecord } from './model';

/**
 * The sandbox's record of every stock change, for benches that judge how fresh the gateway's
 * answers were: what each product's stock in each warehouse became, and when (the sandbox's
 * clock). It is the sandbox's own instrument, not a Picqer resource (Picqer's /stock-history
 * endpoint has another shape and is not emulated), served on GET /__sandbox/stock-history.
 */

/** One change of a product's stock row in one warehouse: the state after it, and free stock before. */
export interface StockChange {
  /** Epoch ms on the sandbox's clock when the change was made. */
  at: number;
  idproduct: number;
  productcode: string;
  idwarehouse: number;
  stock: number;
  reserved: number;
  freeStock: number;
  freeStockBefore: number;
}

/** Default bound of the history: a demo running for days keeps the newest 100,000 changes. */
export const DEFAULT_STOCK_HISTORY_MAX = 100_000;

/**
 * A bounded, oldest-first list of changes. A ring buffer: past `max` entries the oldest is
 * overwritten, so memory stays flat however long the sandbox runs.
 */
export class StockHistory {
  private readonly ring: StockChange[] = [];
  /** Index of the oldest entry once the ring is full. */
  private start = 0;
  /** Entries dropped because the ring was full (a reader can tell the history is cut). */
  dropped = 0;

  constructor(readonly max: number = DEFAULT_STOCK_HISTORY_MAX) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`stockHistoryMax must be a positive integer, got ${max}`);
  }

  get size(): number {
    return this.ring.length;
  }

  record(change: StockChange): void {
    if (this.ring.length < this.max) {
      this.ring.push(change);
      return;
    }
    this.ring[this.start] = change;
    this.start = (this.start + 1) % this.max;
    this.dropped++;
  }

  /**
   * Changes at or after `since` (epoch ms, inclusive: a reader that asks from the moment it made
   * a change sees that change), of one product when `idproduct` is given, oldest first. A linear
   * scan on purpose: an injected clock may step back, so `at` is not guaranteed to be sorted.
   */
  since(since: number, idproduct?: number): StockChange[] {
    const out: StockChange[] = [];
    const n = this.ring.length;
    for (let i = 0; i < n; i++) {
      const c = this.ring[(this.start + i) % n];
      if (c.at >= since && (idproduct === undefined || c.idproduct === idproduct)) out.push(c);
    }
    return out;
  }
}

interface RowBefore {
  product: ProductRecord;
  row: StockRecord;
  stock: number;
  reserved: number;
  freestock: number;
}

/**
 * Collects the stock rows one store operation touches, with their state before it, so the
 * operation leaves one history entry per product and warehouse (its end state) instead of one
 * per intermediate step: closing a picklist releases the reservation and takes the stock out,
 * and free stock never really went up in between. Operations nest (an order completed closes
 * its picklists); only the outermost one writes the entries.
 */
export class StockChangeSet {
  private depth = 0;
  private readonly touched = new Map<StockRecord, RowBefore>();
  /** Off while the store derives its seeded reservations: that is set-up, not change. */
  enabled = false;

  constructor(
    private readonly history: StockHistory,
    private readonly now: () => number,
  ) {}

  /** Runs `fn` as one operation; rows noted inside it are recorded when the outermost one ends. */
  run<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      if (--this.depth === 0) this.flush();
    }
  }

  /** Notes a row before it is changed (the first note of a row in an operation keeps its "before"). */
  note(product: ProductRecord, row: StockRecord): void {
    if (!this.enabled || this.touched.has(row)) return;
    this.touched.set(row, { product, row, stock: row.stock, reserved: row.reserved, freestock: row.freestock });
  }

  private flush(): void {
    if (this.touched.size === 0) return;
    const at = this.now();
    for (const b of this.touched.values()) {
      const r = b.row;
      if (r.stock === b.stock && r.reserved === b.reserved && r.freestock === b.freestock) continue;
      this.history.record({
        at,
        idproduct: b.product.idproduct,
        productcode: b.product.productcode,
        idwarehouse: r.idwarehouse,
        stock: r.stock,
        reserved: r.reserved,
        freeStock: r.freestock,
        freeStockBefore: b.freestock,
      });
    }
    this.touched.clear();
  }
}
