import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { totalsCounter } from '../../util/metrics';
import type { Config } from '../../config';
import type { Services } from '../../services';
import { ensureLightspeedSaleHook } from './lightspeed-retail.hooks';
import { registerLightspeedRetailWebhooks } from './lightspeed-retail.webhook';
import { TillSaleApplier, type TillSaleStats } from './lightspeed-till-sale';

/**
 * The till-sale receiver for app.ts: built only when LIGHTSPEED_RETAIL_WEBHOOK_SECRET is set (config
 * then also requires Picqer, the Lightspeed Retail client and a store map), so an unsigned
 * delivery is never accepted. Null otherwise.
 */
export interface TillSaleReceiver {
  applier: TillSaleApplier;
  /** Registers `POST /webhooks/lightspeed-retail`. */
  routes(app: FastifyInstance): void;
  /** Adds this replica's counters to /metrics. */
  metrics(registry: Registry): void;
}

export function tillSaleReceiver(config: Readonly<Config>, services: Services): TillSaleReceiver | null {
  const cfg = config.lightspeedRetail;
  if (!cfg?.webhookSecret || !services.picqer || !services.lightspeedRetail) return null;
  const applier = new TillSaleApplier({
    ledger: services.tillSales,
    picqer: services.picqer,
    picqerCodes: services.picqerCodes,
    retail: services.lightspeedRetail,
    storeMap: cfg.storeMap,
    logger: services.logger,
  });
  const secret = cfg.webhookSecret;
  return {
    applier,
    routes: (app) => registerLightspeedRetailWebhooks(app, { secret, applier, logger: services.logger }),
    metrics: (registry) => registerTillSaleMetrics(applier.stats, registry),
  };
}

/**
 * With LIGHTSPEED_RETAIL_REGISTER_HOOKS, makes sure X-Series posts sales to `url` (or PUBLIC_URL).
 * A failure is logged: the gateway still answers queries, sales wait until the webhook exists.
 */
export async function ensureTillHookPointsHere(config: Readonly<Config>, services: Services, url: string): Promise<void> {
  const retail = services.lightspeedRetail;
  if (!config.lightspeedRetail?.registerHooks || !config.lightspeedRetail.webhookSecret || !retail) return;
  try {
    await ensureLightspeedSaleHook(retail, { publicUrl: config.sandbox ? url : (config.publicUrl ?? url), logger: services.logger });
  } catch (err) {
    services.logger.error({ err: { message: (err as Error).message } }, 'could not register the Lightspeed Retail sale.update webhook');
  }
}

/** Counters read from the applier's running totals when scraped. Labels carry outcomes, never ids or SKUs. */
export function registerTillSaleMetrics(stats: TillSaleStats, registry: Registry): void {
  totalsCounter(
    registry,
    {
      name: 'gateway_till_sales_total',
      help: 'Lightspeed till sale deliveries by outcome: applied (first receipt), duplicate (applied before), busy (another receipt was applying it).',
      labelNames: ['outcome'],
    },
    () => [
      [{ outcome: 'applied' }, stats.sales],
      [{ outcome: 'duplicate' }, stats.duplicates],
      [{ outcome: 'busy' }, stats.busy],
    ],
  );
  totalsCounter(registry, { name: 'gateway_till_sale_lines_applied_total', help: 'Lightspeed till sale lines that lowered Picqer stock.' }, () => [
    [{}, stats.linesApplied],
  ]);
  totalsCounter(
    registry,
    {
      name: 'gateway_till_sale_unmatched_total',
      help: 'Lightspeed till sale lines (or sales) not applied to Picqer and reported: unknown-sku, no-sku, picqer-refused, fractional-quantity, unmapped-outlet.',
      labelNames: ['reason'],
    },
    () => Object.entries(stats.reported).map(([reason, n]) => [{ reason }, n] as const),
  );
}
