import { randomUUID } from 'node:crypto';

/**
 * What the till-sale receiver remembers per Lightspeed sale, shared by every replica (Redis) or
 * local to one process (memory): who is applying it (a lease), which of its lines were settled,
 * whether it is done, and the reported lines Picqer could not take. Exactly once comes from here:
 * a sale is applied under a lease only one receipt holds, a settled line is never applied again,
 * and a finished sale answers every later delivery as a duplicate.
 */

/** How one sale line was settled. Everything but 'applied' is also reported. */
export type LineOutcome = 'applied' | 'unknown-sku' | 'no-sku' | 'picqer-refused' | 'fractional-quantity';

/** Why a till sale (or one of its lines) did not reach Picqer: what `reports()` lists. */
export type TillSaleReportReason = Exclude<LineOutcome, 'applied'> | 'unmapped-outlet';

/** A sale line (or, for 'unmapped-outlet', a whole sale) Picqer did not take. Ids and SKU only: no personal data. */
export interface TillSaleReport {
  saleId: string;
  outletId: string;
  reason: TillSaleReportReason;
  lineKey: string | null;
  productId: string | null;
  sku: string | null;
  quantity: number | null;
  /** ISO 8601, when it was reported. */
  at: string;
}

export type SaleClaim =
  | { state: 'done' }
  /** Another receipt (this replica or another) holds the lease: the sender should retry later. */
  | { state: 'busy' }
  /** This receipt holds the lease; `lines` are the outcomes already settled by earlier receipts. */
  | { state: 'claimed'; lease: string; lines: Readonly<Record<string, LineOutcome>> };

export interface TillSaleLedger {
  /** Takes the sale for this receipt unless it is done or another receipt holds it. */
  claim(saleId: string): Promise<SaleClaim>;
  /** Records a settled line (before the next is tried) and extends the lease. */
  recordLine(saleId: string, lineKey: string, outcome: LineOutcome): Promise<void>;
  /** Marks the sale done and lets the lease go. */
  finish(saleId: string, lease: string): Promise<void>;
  /** Lets the lease go without finishing (a failure: the retry continues where this stopped). */
  release(saleId: string, lease: string): Promise<void>;
  report(entry: TillSaleReport): Promise<void>;
  /** The newest reports first, at most `limit` (default all kept). */
  reports(limit?: number): Promise<TillSaleReport[]>;
}

export interface TillSaleLedgerOptions {
  /** How long a receipt may hold a sale without recording progress. Default 60,000 ms. */
  leaseMs?: number;
  /** How long a sale is remembered. Default 7 days: Lightspeed retries for 48 hours. */
  keepMs?: number;
  /** Reports kept, newest first. Default 1,000. */
  maxReports?: number;
}

export const TILL_SALE_LEDGER_DEFAULTS = { leaseMs: 60_000, keepMs: 7 * 24 * 3_600_000, maxReports: 1000 } as const;

export function resolveLedgerOptions(o: TillSaleLedgerOptions = {}): Required<TillSaleLedgerOptions> {
  const out = {
    leaseMs: o.leaseMs ?? TILL_SALE_LEDGER_DEFAULTS.leaseMs,
    keepMs: o.keepMs ?? TILL_SALE_LEDGER_DEFAULTS.keepMs,
    maxReports: o.maxReports ?? TILL_SALE_LEDGER_DEFAULTS.maxReports,
  };
  for (const [k, v] of Object.entries(out)) {
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`TillSaleLedger option ${k} must be a positive whole number, got ${v}.`);
  }
  return out;
}

interface SaleRecord {
  lines: Record<string, LineOutcome>;
  done: boolean;
  lease: { id: string; until: number } | null;
  expiresAt: number;
}

/** One process's ledger (no REDIS_URL): the same rules, in a Map. */
export class MemoryTillSaleLedger implements TillSaleLedger {
  private readonly o: Required<TillSaleLedgerOptions>;
  private readonly sales = new Map<string, SaleRecord>();
  private readonly kept: TillSaleReport[] = [];

  constructor(
    opts: TillSaleLedgerOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.o = resolveLedgerOptions(opts);
  }

  async claim(saleId: string): Promise<SaleClaim> {
    const t = this.now();
    this.expire(t);
    const r = this.sales.get(saleId) ?? { lines: {}, done: false, lease: null, expiresAt: t + this.o.keepMs };
    this.sales.set(saleId, r);
    if (r.done) return { state: 'done' };
    if (r.lease && r.lease.until > t) return { state: 'busy' };
    r.lease = { id: randomUUID(), until: t + this.o.leaseMs };
    return { state: 'claimed', lease: r.lease.id, lines: { ...r.lines } };
  }

  async recordLine(saleId: string, lineKey: string, outcome: LineOutcome): Promise<void> {
    const r = this.sales.get(saleId);
    if (!r) return;
    r.lines[lineKey] = outcome;
    if (r.lease) r.lease.until = this.now() + this.o.leaseMs;
  }

  async finish(saleId: string, lease: string): Promise<void> {
    const r = this.sales.get(saleId);
    if (!r) return;
    r.done = true;
    if (r.lease?.id === lease) r.lease = null;
  }

  async release(saleId: string, lease: string): Promise<void> {
    const r = this.sales.get(saleId);
    if (r?.lease?.id === lease) r.lease = null;
  }

  async report(entry: TillSaleReport): Promise<void> {
    this.kept.unshift(entry);
    this.kept.length = Math.min(this.kept.length, this.o.maxReports);
  }

  async reports(limit = this.o.maxReports): Promise<TillSaleReport[]> {
    return this.kept.slice(0, limit);
  }

  private expire(t: number): void {
    for (const [id, r] of this.sales) if (r.expiresAt <= t) this.sales.delete(id);
  }
}
