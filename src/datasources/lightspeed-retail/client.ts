import type { LightspeedRetailConfig } from '../../config';
import type { CallAccounting } from '../upstream/accounting';
import { lightspeedRetailXModel } from '../upstream/governor/models';
import type { GovernorRegistry, Priority } from '../upstream/governor/governor.types';
import { UpstreamHttp } from '../upstream/http';
import type { RetailEnvelope, RetailProductWire, RetailSaleWire, RetailWebhookWire } from './wire';

export interface LightspeedRetailClientOptions {
  /** e.g. https://{domain_prefix}.retail.lightspeed.app/api/2.0 (or a sandbox's). */
  baseUrl: string;
  /** Personal token or OAuth access token, sent as Bearer. */
  token: string;
  /** The retailer's registers: the budget is 300 × registers + 50 requests per 5 minutes. */
  registers: number;
  governors: GovernorRegistry;
  /** Per-attempt timeout. Default 10,000 ms (UpstreamHttp's). */
  timeoutMs?: number;
  /** Overall time incl. waiting for budget. Default 15,000 ms (UpstreamHttp's). */
  deadlineMs?: number;
}

export interface RetailCallOptions {
  accounting?: CallAccounting;
  priority?: Priority;
}

/**
 * The few X-Series API 2.0 calls the till-sale receiver needs. Every call goes through
 * UpstreamHttp, so through the governor with lightspeedRetailXModel (shared across replicas).
 */
export interface LightspeedRetailClient {
  /** A product by id: a sale line names its product by id only. */
  getProduct(id: string, o?: RetailCallOptions): Promise<RetailProductWire>;
  /** A sale as the API has it now (to confirm a delivery that carries no signature). */
  getSale(id: string, o?: RetailCallOptions): Promise<RetailSaleWire>;
  /** The retailer's webhooks (background priority: start-up registration). */
  listWebhooks(): Promise<RetailWebhookWire[]>;
  /** Subscribes `url` to `type` (background priority). */
  createWebhook(input: { url: string; type: string }): Promise<RetailWebhookWire>;
  close(): Promise<void>;
}

/** Builds the client; throws a TypeError listing every bad option (never the token). */
export function createLightspeedRetailClient(opts: LightspeedRetailClientOptions): LightspeedRetailClient {
  validateOptions(opts);
  const http = new UpstreamHttp({
    upstream: 'lightspeedRetail',
    baseUrl: opts.baseUrl,
    governor: opts.governors.governor('lightspeedRetail', opts.token, lightspeedRetailXModel(opts.registers)),
    headers: () => ({ authorization: `Bearer ${opts.token}`, accept: 'application/json' }),
    timeoutMs: opts.timeoutMs,
    deadlineMs: opts.deadlineMs,
  });
  const get = async <T>(path: string, o: RetailCallOptions = {}): Promise<T> =>
    (await http.request<RetailEnvelope<T>>({ path, accounting: o.accounting, priority: o.priority })).json.data;
  return {
    getProduct: (id, o) => get(`/products/${encodeURIComponent(id)}`, o),
    getSale: (id, o) => get(`/sales/${encodeURIComponent(id)}`, o),
    listWebhooks: () => get('/webhooks', { priority: 'background' }),
    async createWebhook(input) {
      const body = { url: input.url, type: input.type, active: true };
      return (await http.request<RetailEnvelope<RetailWebhookWire>>({ method: 'POST', path: '/webhooks', body, priority: 'background' })).json.data;
    },
    close: () => http.close(),
  };
}

/** The client for a validated config; null when Lightspeed Retail is not configured. */
export function lightspeedRetailClientFromConfig(
  cfg: LightspeedRetailConfig | undefined,
  governors: GovernorRegistry,
  extra: { timeoutMs?: number; deadlineMs?: number } = {},
): LightspeedRetailClient | null {
  return cfg ? createLightspeedRetailClient({ baseUrl: cfg.baseUrl, token: cfg.token, registers: cfg.registers, governors, ...extra }) : null;
}

function validateOptions(o: LightspeedRetailClientOptions): void {
  const problems: string[] = [];
  if (!o.token) problems.push('token is required');
  try {
    new URL(o.baseUrl);
  } catch {
    problems.push(`baseUrl must be an absolute URL, got "${o.baseUrl}"`);
  }
  if (!(Number.isInteger(o.registers) && o.registers >= 1)) problems.push(`registers must be a whole number >= 1, got ${o.registers}`);
  if (problems.length) throw new TypeError(`Invalid Lightspeed Retail client options: ${problems.join('; ')}`);
}
