/**
 * Lightspeed Retail X-Series wire shapes: only the fields the gateway reads. API 2.0 answers wrap
 * the record in `{ data }`. Webhook payloads are the API 1.0 shape (`register_sale_products`);
 * `GET /api/2.0/sales/{id}` documents `line_items` — map.ts reads either.
 */

/** `GET /api/2.0/products/{id}` → data. */
export interface RetailProductWire {
  id: string;
  sku: string | null;
  name?: string;
  deleted_at?: string | null;
}

/** One sold line: API 1.0 `register_sale_products[]` or API 2.0 `line_items[]`. */
export interface RetailSaleLineWire {
  id?: string;
  product_id: string;
  /** Negative for a returned item. */
  quantity: number;
  /** Some payloads carry the SKU with the line (UNCONFIRMED); otherwise it is read from the product. */
  sku?: string;
}

/** A sale (the webhook's `payload` or `GET /api/2.0/sales/{id}` → data). */
export interface RetailSaleWire {
  id: string;
  outlet_id: string;
  register_id?: string;
  /** SAVED, CLOSED, ONACCOUNT, ONACCOUNT_CLOSED, LAYBY, LAYBY_CLOSED, VOIDED … */
  status: string;
  register_sale_products?: RetailSaleLineWire[];
  line_items?: RetailSaleLineWire[];
}

/** `GET|POST /api/2.0/webhooks` (X-Series OpenAPI: `{url, active, type}`). */
export interface RetailWebhookWire {
  id: string;
  url: string;
  active: boolean;
  /** e.g. 'sale.update'. */
  type: string;
}

/** `{ data }`, how API 2.0 answers a single resource. */
export interface RetailEnvelope<T> {
  data: T;
}
