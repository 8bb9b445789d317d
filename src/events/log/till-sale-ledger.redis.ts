import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import {
  resolveLedgerOptions,
  type LineOutcome,
  type SaleClaim,
  type TillSaleLedger,
  type TillSaleLedgerOptions,
  type TillSaleReport,
} from './till-sale-ledger';

/**
 * Claim in one script: a done sale is done; a live lease is someone else's; otherwise this receipt
 * takes the lease and reads the settled lines. KEYS[1] = sale hash, KEYS[2] = lease key;
 * ARGV = lease id, lease ms. Returns { 'done' } | { 'busy' } | { 'claimed', field, value, … }.
 */
const CLAIM_SCRIPT = `
if redis.call('HGET', KEYS[1], 'done') then return { 'done' } end
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return { 'busy' } end
local out = { 'claimed' }
for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do out[#out + 1] = v end
return out
`;

/** Deletes the lease only if it is still this receipt's. KEYS[1] = lease key; ARGV[1] = lease id. */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface RedisTillSaleLedgerOptions extends TillSaleLedgerOptions {
  /** The shared connection (not closed by the ledger). */
  redis: Redis;
  /** Prefix of every key, e.g. "pgw:"; replicas that apply the same till's sales share it. */
  keyPrefix: string;
}

/**
 * The ledger shared by replicas: `<prefix>lightspeed:sale:<id>` (hash: `line:<key>` → outcome,
 * `done`), `<prefix>lightspeed:sale:<id>:lease` (SET NX PX) and `<prefix>lightspeed:till-reports`
 * (a list trimmed to maxReports). Every key expires; no KEYS scans.
 */
export class RedisTillSaleLedger implements TillSaleLedger {
  private readonly o: ReturnType<typeof resolveLedgerOptions>;
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(opts: RedisTillSaleLedgerOptions) {
    this.o = resolveLedgerOptions(opts);
    this.redis = opts.redis;
    this.prefix = `${opts.keyPrefix}lightspeed:`;
  }

  async claim(saleId: string): Promise<SaleClaim> {
    const lease = randomUUID();
    const out = (await this.redis.eval(CLAIM_SCRIPT, 2, this.saleKey(saleId), this.leaseKey(saleId), lease, this.o.leaseMs)) as string[];
    if (out[0] === 'done') return { state: 'done' };
    if (out[0] === 'busy') return { state: 'busy' };
    const lines: Record<string, LineOutcome> = {};
    for (let i = 1; i + 1 < out.length; i += 2) if (out[i].startsWith('line:')) lines[out[i].slice(5)] = out[i + 1] as LineOutcome;
    return { state: 'claimed', lease, lines };
  }

  async recordLine(saleId: string, lineKey: string, outcome: LineOutcome): Promise<void> {
    await this.redis
      .multi()
      .hset(this.saleKey(saleId), `line:${lineKey}`, outcome)
      .pexpire(this.saleKey(saleId), this.o.keepMs)
      .pexpire(this.leaseKey(saleId), this.o.leaseMs)
      .exec();
  }

  async finish(saleId: string, lease: string): Promise<void> {
    await this.redis.multi().hset(this.saleKey(saleId), 'done', '1').pexpire(this.saleKey(saleId), this.o.keepMs).exec();
    await this.release(saleId, lease);
  }

  async release(saleId: string, lease: string): Promise<void> {
    await this.redis.eval(RELEASE_SCRIPT, 1, this.leaseKey(saleId), lease);
  }

  async report(entry: TillSaleReport): Promise<void> {
    const key = `${this.prefix}till-reports`;
    await this.redis
      .multi()
      .lpush(key, JSON.stringify(entry))
      .ltrim(key, 0, this.o.maxReports - 1)
      .pexpire(key, this.o.keepMs)
      .exec();
  }

  async reports(limit = this.o.maxReports): Promise<TillSaleReport[]> {
    if (limit < 1) return [];
    const rows = await this.redis.lrange(`${this.prefix}till-reports`, 0, Math.min(limit, this.o.maxReports) - 1);
    return rows.map((r) => JSON.parse(r) as TillSaleReport);
  }

  private saleKey(saleId: string): string {
    return `${this.prefix}sale:${saleId}`;
  }

  private leaseKey(saleId: string): string {
    return `${this.prefix}sale:${saleId}:lease`;
  }
}
