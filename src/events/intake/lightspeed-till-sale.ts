import { createLightspeedRetailLoaders, type LightspeedRetailClient, type TillSale, type TillSaleLine } from '../../datasources/lightspeed-retail';
import type { PicqerClient, ProductCodeIndex } from '../../datasources/picqer';
import { UpstreamError } from '../../errors';
import type { Logger } from '../../logger';
import type { LineOutcome, TillSaleLedger, TillSaleReportReason } from '../log/till-sale-ledger';
import { WebhookHttpError } from './webhook-route';

/**
 * Applies a Lightspeed till sale to Picqer: each line lowers the stock of the product with that SKU
 * (Picqer productcode = Lightspeed SKU) at the warehouse LIGHTSPEED_STORE_MAP gives the sale's
 * outlet. Exactly once through the ledger: the sale is applied under a lease, each settled line is
 * recorded before the next is tried, and a retry skips what is recorded. What Picqer cannot take
 * (unmapped outlet, a SKU it does not know, a change it refuses) is reported, never dropped.
 */

export interface TillSaleApplierOptions {
  ledger: TillSaleLedger;
  picqer: PicqerClient;
  /** productcode -> idproduct seen before, so a known SKU costs no lookup. */
  picqerCodes: ProductCodeIndex;
  retail: LightspeedRetailClient;
  /** Outlet id -> Picqer warehouse id. */
  storeMap: Readonly<Record<string, number>>;
  logger: Logger;
}

/** Running totals since start, per replica (Prometheus reads them when scraped). */
export interface TillSaleStats {
  sales: number;
  duplicates: number;
  /** Deliveries answered "retry later" because another receipt held the sale. */
  busy: number;
  linesApplied: number;
  reported: Record<TillSaleReportReason, number>;
}

export interface TillSaleResult {
  duplicate: boolean;
  applied: number;
  reported: number;
}

/** Most product id → SKU pairs kept in memory (they do not change once a product is sold). */
const MAX_SKUS = 10_000;

export class TillSaleApplier {
  readonly stats: TillSaleStats = {
    sales: 0,
    duplicates: 0,
    busy: 0,
    linesApplied: 0,
    reported: { 'unknown-sku': 0, 'no-sku': 0, 'picqer-refused': 0, 'fractional-quantity': 0, 'unmapped-outlet': 0 },
  };
  private readonly skus = new Map<string, string | null>();

  constructor(private readonly o: TillSaleApplierOptions) {}

  /**
   * Applies `sale` unless it was applied before (duplicate). Throws WebhookHttpError 503 when another
   * receipt is applying it or Picqer/Lightspeed could not be reached: the sender retries, and the
   * retry continues after the lines already recorded.
   */
  async apply(sale: TillSale): Promise<TillSaleResult> {
    const claim = await this.o.ledger.claim(sale.id);
    if (claim.state === 'done') {
      this.stats.duplicates++;
      return { duplicate: true, applied: 0, reported: 0 };
    }
    if (claim.state === 'busy') {
      this.stats.busy++;
      throw new WebhookHttpError(503, 'SALE_IN_PROGRESS', `Sale ${sale.id} is being applied by another delivery; retry later.`);
    }
    try {
      const result = await this.applyLines(sale, claim.lines);
      await this.o.ledger.finish(sale.id, claim.lease);
      this.stats.sales++;
      return result;
    } catch (err) {
      await this.o.ledger.release(sale.id, claim.lease).catch(() => undefined);
      throw err;
    }
  }

  private async applyLines(sale: TillSale, settled: Readonly<Record<string, LineOutcome>>): Promise<TillSaleResult> {
    const warehouse = this.o.storeMap[sale.outletId];
    if (warehouse === undefined) {
      await this.reportOf(sale, null, 'unmapped-outlet');
      return { duplicate: false, applied: 0, reported: 1 };
    }
    await this.prefetchSkus(sale.lines.filter((l) => settled[l.key] === undefined));
    let applied = 0;
    let reported = 0;
    for (const line of sale.lines) {
      if (settled[line.key] !== undefined || line.quantity === 0) continue;
      const outcome = await this.applyLine(sale, line, warehouse);
      // Reported before recorded: a crash in between reports twice rather than never.
      if (outcome.result === 'applied') applied++;
      else {
        reported++;
        await this.reportOf(sale, { ...line, sku: outcome.sku }, outcome.result);
      }
      await this.o.ledger.recordLine(sale.id, line.key, outcome.result);
    }
    this.stats.linesApplied += applied;
    return { duplicate: false, applied, reported };
  }

  private async applyLine(sale: TillSale, line: TillSaleLine, warehouse: number): Promise<{ result: LineOutcome; sku: string | null }> {
    // Picqer counts whole units; a product sold by weight has no stock there to lower.
    if (!Number.isInteger(line.quantity)) return { result: 'fractional-quantity', sku: line.sku };
    const sku = line.sku ?? (await this.skuOf(line.productId));
    if (!sku) return { result: 'no-sku', sku: null };
    const idproduct = await this.picqerProduct(sku);
    if (idproduct === undefined) return { result: 'unknown-sku', sku };
    try {
      await this.o.picqer.changeStock(idproduct, warehouse, { change: -line.quantity, reason: `Lightspeed till sale ${sale.id}` });
      return { result: 'applied', sku };
    } catch (err) {
      // A change Picqer refuses (below zero or below reservations, a deleted product) will be
      // refused again on every retry: report it. Anything else (5xx, timeout, 429) is retried.
      if (err instanceof UpstreamError && [400, 404, 422].includes(err.status)) return { result: 'picqer-refused', sku };
      throw unavailable('Picqer', err);
    }
  }

  /**
   * Reads the SKUs of every line still to apply at once (one GET per distinct product, in
   * parallel), so the lines then go one by one without waiting on Lightspeed each time. A lookup
   * that failed is left to skuOf, which tries it again and answers 503 if it still fails.
   */
  private async prefetchSkus(lines: readonly TillSaleLine[]): Promise<void> {
    const ids = [...new Set(lines.filter((l) => !l.sku && !this.skus.has(l.productId)).map((l) => l.productId))];
    if (ids.length === 0) return;
    const skus = await createLightspeedRetailLoaders(this.o.retail).skuByProductId.loadMany(ids);
    ids.forEach((id, i) => {
      const sku = skus[i];
      if (!(sku instanceof Error)) this.remember(id, sku);
    });
  }

  private remember(productId: string, sku: string | null): void {
    if (this.skus.size >= MAX_SKUS) this.skus.clear();
    this.skus.set(productId, sku);
  }

  /** The product's SKU from Lightspeed (sale lines name products by id). */
  private async skuOf(productId: string): Promise<string | null> {
    if (this.skus.has(productId)) return this.skus.get(productId)!;
    let sku: string | null;
    try {
      const p = await this.o.retail.getProduct(productId, { priority: 'live' });
      sku = typeof p.sku === 'string' && p.sku.trim() !== '' ? p.sku : null;
    } catch (err) {
      if (err instanceof UpstreamError && err.status === 404) sku = null;
      else throw unavailable('Lightspeed Retail', err);
    }
    this.remember(productId, sku);
    return sku;
  }

  /** The Picqer product whose productcode is exactly `sku`, or undefined. */
  private async picqerProduct(sku: string): Promise<number | undefined> {
    const known = this.o.picqerCodes.get(sku);
    if (known !== undefined) return known;
    try {
      const rows = await this.o.picqer.listProducts({ productcode: sku }, { priority: 'live' });
      const hit = rows.find((p) => p.productcode === sku);
      if (hit) this.o.picqerCodes.set(sku, hit.idproduct);
      return hit?.idproduct;
    } catch (err) {
      throw unavailable('Picqer', err);
    }
  }

  private async reportOf(sale: TillSale, line: TillSaleLine | null, reason: TillSaleReportReason): Promise<void> {
    this.stats.reported[reason]++;
    const entry = {
      saleId: sale.id,
      outletId: sale.outletId,
      reason,
      lineKey: line?.key ?? null,
      productId: line?.productId ?? null,
      sku: line?.sku ?? null,
      quantity: line?.quantity ?? null,
      at: new Date().toISOString(),
    };
    // Ids, SKU and quantity only: a sale's customer never reaches a log line or the report.
    this.o.logger.warn(entry, 'lightspeed till sale: not applied to Picqer, reported');
    await this.o.ledger.report(entry);
  }
}

function unavailable(upstream: string, err: unknown): WebhookHttpError {
  const reason = err instanceof Error ? err.message : 'unknown error';
  return new WebhookHttpError(503, 'UPSTREAM_UNAVAILABLE', `${upstream} could not be reached (${reason}); retry later.`);
}
