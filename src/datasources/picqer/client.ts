import type { PicqerConfig } from '../../config';
import type { CallAccounting } from '../upstream/accounting';
import type { GovernorRegistry, Priority } from '../upstream/governor.types';
import { UpstreamHttp } from '../upstream/http';
import type {
  PicqerHookWire, PicqerOrderStatus, PicqerOrderWire, PicqerPicklistStatus,
  PicqerPicklistWire, PicqerProductWire, PicqerWarehouseWire,
} from './wire';

/** Picqer returns at most this many rows per list call; `offset` pages through. */
export const PICQER_PAGE_SIZE = 100;

export interface PicqerClientOptions extends PicqerConfig {
  governors: GovernorRegistry;
  timeoutMs?: number;
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
 * All calls go through UpstreamHttp, so through the governor.
 */
export class PicqerClient {
  private readonly http: UpstreamHttp;

  constructor(opts: PicqerClientOptions) {
    validateOptions(opts);
    const auth = `Basic ${Buffer.from(`${opts.apiKey}:`).toString('base64')}`;
    this.http = new UpstreamHttp({
      upstream: 'picqer',
      baseUrl: opts.baseUrl,
      governor: opts.governors.governor('picqer', opts.apiKey, { kind: 'requests-per-minute', limit: opts.rateLimitPerMinute }),
      headers: () => ({ authorization: auth, 'user-agent': opts.userAgent }),
      timeoutMs: opts.timeoutMs,
      deadlineMs: opts.deadlineMs,
    });
  }

  listProducts(filter: ProductListFilter, o: CallOptions = {}): Promise<PicqerProductWire[]> {
    return this.get('/products', {
      offset: filter.offset || undefined,
      search: filter.search,
      productcode: filter.productcode,
      idproducts: filter.idproducts?.join(','),
    }, o);
  }

  listWarehouses(offset: number, o: CallOptions = {}): Promise<PicqerWarehouseWire[]> {
    return this.get('/warehouses', { offset: offset || undefined }, o);
  }

  listOrders(filter: OrderListFilter, o: CallOptions = {}): Promise<PicqerOrderWire[]> {
    return this.get('/orders', { offset: filter.offset || undefined, status: filter.status, orderid: filter.orderid }, o);
  }

  getOrder(idorder: number, o: CallOptions = {}): Promise<PicqerOrderWire> {
    return this.get(`/orders/${idorder}`, {}, o);
  }

  listPicklists(filter: PicklistListFilter, o: CallOptions = {}): Promise<PicqerPicklistWire[]> {
    return this.get('/picklists', {
      offset: filter.offset || undefined,
      status: filter.status,
      idwarehouse: filter.idwarehouse,
      picklistid: filter.picklistid,
    }, o);
  }

  getPicklist(idpicklist: number, o: CallOptions = {}): Promise<PicqerPicklistWire> {
    return this.get(`/picklists/${idpicklist}`, {}, o);
  }

  listHooks(offset: number, o: CallOptions = {}): Promise<PicqerHookWire[]> {
    return this.get('/hooks', { offset: offset || undefined }, o);
  }

  async createHook(input: { name: string; event: string; address: string; secret: string }, o: CallOptions = {}): Promise<PicqerHookWire> {
    const res = await this.http.request<PicqerHookWire>({
      method: 'POST', path: '/hooks', body: input, accounting: o.accounting, priority: o.priority ?? 'background',
    });
    return res.json;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private async get<T>(path: string, query: Record<string, string | number | undefined>, o: CallOptions): Promise<T> {
    const res = await this.http.request<T>({ path, query, accounting: o.accounting, priority: o.priority });
    return res.json;
  }
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
