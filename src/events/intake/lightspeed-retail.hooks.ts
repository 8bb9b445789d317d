import type { RetailWebhookWire } from '../../datasources/lightspeed-retail';
import type { Logger } from '../../logger';
import { LIGHTSPEED_RETAIL_WEBHOOK_PATH } from './lightspeed-retail.webhook';

/** The two webhook calls registration needs; the Lightspeed Retail client provides them. */
export interface RetailHooksApi {
  listWebhooks(): Promise<RetailWebhookWire[]>;
  createWebhook(input: { url: string; type: string }): Promise<RetailWebhookWire>;
}

/**
 * Makes sure X-Series has an active `sale.update` webhook for this gateway's receiver
 * (`<publicUrl>/webhooks/lightspeed-retail`); creates it only when missing, leaves every other
 * webhook alone, so running it again creates nothing. X-Series signs the deliveries with the
 * OAuth app's client secret (a personal token's webhooks come unsigned and are refused: 401).
 * Run from one replica at a time (two racing first runs could both create; the ledger still
 * applies each sale once).
 */
export async function ensureLightspeedSaleHook(api: RetailHooksApi, opts: { publicUrl: string; logger: Logger }): Promise<{ created: boolean }> {
  const url = new URL(LIGHTSPEED_RETAIL_WEBHOOK_PATH, opts.publicUrl.replace(/\/?$/, '/')).toString();
  const hooks = await api.listWebhooks();
  const found = hooks.some((h) => h.active && h.type === 'sale.update' && sameUrl(h.url, url));
  if (!found) await api.createWebhook({ url, type: 'sale.update' });
  opts.logger.info({ url, created: !found }, 'lightspeed retail sale.update webhook ensured');
  return { created: !found };
}

function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).toString() === new URL(b).toString();
  } catch {
    return false;
  }
}
