import type { PicqerConfig } from '../../config';
import type { CallAccounting } from '../upstream/accounting';
import type { GovernorRegistry, Priority } from '../upstream/governor/governor.types';
import { UpstreamHttp } from '../upstream/http';
import type {
  PicqerHookWire,
  PicqerOrderStatus,
  PicqerOrderWire,
  PicqerPicklistStatus,
  PicqerPicklistWire,
  PicqerProductWire,
  PicqerStockChangeWire,
  PicqerStockWire,
  PicqerWarehouseWire,
} from './wire';

/** Picqer returns at most this many rows per list call; `offset` pages through. */
export const PICQER_PAGE_SIZE = 100;

export interface PicqerClientOptions {
  /** e.g. https://myshop.picqer.com/api/v1 (or a sandbox origin). */
  baseUrl: string;
  apiKey: string;
  /** Picqer asks for the application name and a contact, e.g. "MyGateway (ops@example.com)". */
  userAgent: string;
  /** Requests per minute assumed until Picqer's X-RateLimit headers say otherwise. */
  rateLimitPerMinute: number;
  governors: GovernorRegistry;
  /** Per-attempt timeout. Default 10,000 ms (UpstreamHttp's). */
  timeoutMs?: number;
  /** Overall time incl. waiting for budget. Default 15,000 ms (UpstreamHttp's). */
  deadlineMs?: number;
}

/** Per-call options: who pays (accounting) and how urgent it is. */
export interface CallOptions {
  accounting?: CallAccounting;
  priority?: Priority;
}

export interface ProductListFilter {
  offset?: number;
  search?: string;
  productcode?: string;
  idproducts?: number[];
}

export interface OrderListFilter {
  offset?: number;
  status?: PicqerOrderStatus;
  orderid?: string;
}

export interface PicklistListFilter {
  offset?: number;
  status?: PicqerPicklistStatus;
  idwarehouse?: number;
  picklistid?: string;
}

/**
 * REST calls to Picqer API v1. Knows paths, filters and auth; knows nothing of GraphQL.
 * Answers are wire shapes (wire.ts); the loaders map them.
 */
export interface PicqerClient {
  /** One page (100) of products; `idproducts` takes up to 100 ids. */
  listProducts(filter: ProductListFilter, o?: CallOptions): Promise<PicqerProductWire[]>;
  listWarehouses(offset: number, o?: CallOptions): Promise<PicqerWarehouseWire[]>;
  listOrders(filter: OrderListFilter, o?: CallOptions): Promise<PicqerOrderWire[]>;
  getOrder(idorder: number, o?: CallOptions): Promise<PicqerOrderWire>;
  listPicklists(filter: PicklistListFilter, o?: CallOptions): Promise<PicqerPicklistWire[]>;
  getPicklist(idpicklist: number, o?: CallOptions): Promise<PicqerPicklistWire>;
  listHooks(offset: number, o?: CallOptions): Promise<PicqerHookWire[]>;
  /** Registers a webhook; background priority unless said otherwise (no client waits on it). */
  createHook(input: { name: string; event: string; address: string; secret: string }, o?: CallOptions): Promise<PicqerHookWire>;
  /**
   * Picqer's documented stock change (`POST /products/{idproduct}/stock/{idwarehouse}`), answered
   * with the warehouse's new stock row. Not idempotent, so never retried on a 5xx or a timeout:
   * the caller records what was applied. Live priority unless said otherwise (a till sale).
   */
  changeStock(idproduct: number, idwarehouse: number, input: PicqerStockChangeWire, o?: CallOptions): Promise<PicqerStockWire>;
  /** Any documented GET (path relative to /api/v1); the typed calls of warehouse-calls.ts are built on it. */
  getJson<T>(path: string, query: Record<string, string | number | undefined>, o?: CallOptions): Promise<T>;
  close(): Promise<void>;
}

/**
 * Builds a Picqer client; throws a TypeError listing every bad option (never the key) before
 * any call. All calls go through UpstreamHttp, so through the governor.
 */
export function createPicqerClient(opts: PicqerClientOptions): PicqerClient {
  validateOptions(opts);
  const auth = `Basic ${Buffer.from(`${opts.apiKey}:`).toString('base64')}`;
  const http = new UpstreamHttp({
    upstream: 'picqer',
    baseUrl: opts.baseUrl,
    governor: opts.governors.governor('picqer', opts.apiKey, { kind: 'requests-per-minute', limit: opts.rateLimitPerMinute }),
    headers: () => ({ authorization: auth, 'user-agent': opts.userAgent }),
    timeoutMs: opts.timeoutMs,
    deadlineMs: opts.deadlineMs,
  });
  const get = async <T>(path: string, query: Record<string, string | number | undefined>, o: CallOptions = {}): Promise<T> =>
    (await http.request<T>({ path, query, accounting: o.accounting, priority: o.priority })).json;

  return {
    listProducts: (f, o) =>
      get('/products', { offset: f.offset || undefined, search: f.search, productcode: f.productcode, idproducts: f.idproducts?.join(',') }, o),
    listWarehouses: (offset, o) => get('/warehouses', { offset: offset || undefined }, o),
    listOrders: (f, o) => get('/orders', { offset: f.offset || undefined, status: f.status, orderid: f.orderid }, o),
    getOrder: (idorder, o) => get(`/orders/${idorder}`, {}, o),
    listPicklists: (f, o) => get('/picklists', { offset: f.offset || undefined, status: f.status, idwarehouse: f.idwarehouse, picklistid: f.picklistid }, o),
    getPicklist: (idpicklist, o) => get(`/picklists/${idpicklist}`, {}, o),
    listHooks: (offset, o) => get('/hooks', { offset: offset || undefined }, o),
    async createHook(input, o = {}) {
      const res = await http.request<PicqerHookWire>({
        method: 'POST',
        path: '/hooks',
        body: input,
        accounting: o.accounting,
        priority: o.priority ?? 'background',
      });
      return res.json;
    },
    async changeStock(idproduct, idwarehouse, input, o = {}) {
      const res = await http.request<PicqerStockWire>({
        method: 'POST',
        path: `/products/${idproduct}/stock/${idwarehouse}`,
        body: input,
        accounting: o.accounting,
        priority: o.priority ?? 'live',
      });
      return res.json;
    },
    getJson: (path, query, o) => get(path, query, o),
    close: () => http.close(),
  };
}

/** The client for a validated config; null when Picqer is not configured. */
export function picqerClientFromConfig(
  cfg: PicqerConfig | undefined,
  governors: GovernorRegistry,
  extra: { timeoutMs?: number; deadlineMs?: number } = {},
): PicqerClient | null {
  return cfg
    ? createPicqerClient({
        baseUrl: cfg.baseUrl,
        apiKey: cfg.apiKey,
        userAgent: cfg.userAgent,
        rateLimitPerMinute: cfg.rateLimitPerMinute,
        governors,
        ...extra,
      })
    : null;
}

function validateOptions(o: PicqerClientOptions): void {
  const problems: string[] = [];
  if (!o.apiKey) problems.push('apiKey is required');
  if (!o.userAgent) problems.push('userAgent is required (Picqer asks for the application name and a contact)');
  try {
    new URL(o.baseUrl);
  } catch {
    problems.push(`baseUrl must be an absolute URL, got "${o.baseUrl}"`);
  }
  if (!(o.rateLimitPerMinute > 0)) problems.push(`rateLimitPerMinute must be > 0, got ${o.rateLimitPerMinute}`);
  if (problems.length) throw new TypeError(`Invalid Picqer client options: ${problems.join('; ')}`);
}
