import type { IncomingMessage } from 'node:http';
import { intParam, readJsonObject } from './http';
import { applyVariantUpdate, ecomError, pickFields, productWire, variantWire, type EcomWebhook } from './ecom-model';
import type { LightspeedEcomState } from './ecom-state';
import { ecomTime, type EcomProduct, type EcomVariant } from './seed';

/** The eCom API routes the sandbox serves, below `/{language}/`, each ending in `.json`. */

export interface EcomCtx {
  state: LightspeedEcomState;
  apiKey: string;
  apiSecret: string;
  languages: string[];
  defaultLimit: number;
  maxLimit: number;
  origin: string;
}

export interface RouteArgs {
  ctx: EcomCtx;
  lang: string;
  params: string[];
  q: URLSearchParams;
  req: IncomingMessage;
}
type Run = (a: RouteArgs) => Promise<{ status: number; body: unknown }> | { status: number; body: unknown };

export function routeOf(method: string, path: string): { pattern: string; params: string[]; run: Run } | null {
  const table: Array<[string, RegExp, string, Run]> = [
    [
      'GET',
      /^products$/,
      'products',
      (a) =>
        list(
          a,
          'products',
          a.ctx.state.products.map((p) => productWire(p, a.ctx.origin, a.lang)),
        ),
    ],
    ['GET', /^products\/count$/, 'products/count', (a) => ({ status: 200, body: { count: a.ctx.state.products.length } })],
    [
      'GET',
      /^products\/(\d+)$/,
      'products/{id}',
      (a) => ({ status: 200, body: { product: pickFields(productWire(findProduct(a), a.ctx.origin, a.lang), a.q.get('fields')) } }),
    ],
    [
      'GET',
      /^variants$/,
      'variants',
      (a) =>
        list(
          a,
          'variants',
          filterVariants(a).map((v) => variantWire(v, a.ctx.origin, a.lang)),
        ),
    ],
    ['GET', /^variants\/count$/, 'variants/count', (a) => ({ status: 200, body: { count: filterVariants(a).length } })],
    [
      'GET',
      /^variants\/(\d+)$/,
      'variants/{id}',
      (a) => ({ status: 200, body: { variant: pickFields(variantWire(findVariant(a), a.ctx.origin, a.lang), a.q.get('fields')) } }),
    ],
    ['PUT', /^variants\/(\d+)$/, 'variants/{id}', putVariant],
    ['GET', /^account\/ratelimit$/, 'account/ratelimit', (a) => ({ status: 200, body: { accountRatelimit: accountRatelimit(a.ctx.state) } })],
    ['GET', /^webhooks$/, 'webhooks', (a) => ({ status: 200, body: { webhooks: a.ctx.state.hooks } })],
    ['POST', /^webhooks$/, 'webhooks', async (a) => ({ status: 201, body: { webhook: a.ctx.state.addHook(await readBody(a), a.ctx.languages) } })],
    ['GET', /^webhooks\/(\d+)$/, 'webhooks/{id}', (a) => ({ status: 200, body: { webhook: findHook(a) } })],
    ['DELETE', /^webhooks\/(\d+)$/, 'webhooks/{id}', deleteHook],
  ];
  let pathKnown: string | null = null;
  for (const [m, re, pattern, run] of table) {
    const hit = re.exec(path);
    if (!hit) continue;
    pathKnown = pattern;
    if (m === method) return { pattern, params: hit.slice(1), run };
  }
  if (pathKnown) {
    return {
      pattern: pathKnown,
      params: [],
      run: () => {
        throw ecomError(405, `Method ${method} is not allowed on ${pathKnown}.json.`);
      },
    };
  }
  return null;
}

export function readBody(a: RouteArgs): Promise<Record<string, unknown>> {
  return readJsonObject(a.req, (reason) => ecomError(400, `Invalid JSON: ${reason}.`));
}

function list(a: RouteArgs, key: string, all: Record<string, unknown>[]): { status: number; body: unknown } {
  const bad = (msg: string) => ecomError(400, `Invalid parameter: ${msg}.`);
  const limit = intParam(a.q, 'limit', a.ctx.defaultLimit, 1, a.ctx.maxLimit, bad);
  const page = intParam(a.q, 'page', 1, 1, 1_000_000, bad);
  const fields = a.q.get('fields');
  return { status: 200, body: { [key]: all.slice((page - 1) * limit, page * limit).map((o) => pickFields(o, fields)) } };
}

function filterVariants(a: RouteArgs): EcomVariant[] {
  const q = a.q;
  const product = q.get('product');
  return a.ctx.state.variants.filter(
    (v) =>
      (q.get('sku') === null || v.sku === q.get('sku')) &&
      (q.get('articleCode') === null || v.articleCode === q.get('articleCode')) &&
      (q.get('ean') === null || v.ean === q.get('ean')) &&
      (product === null || String(v.productId) === product),
  );
}

function findProduct(a: RouteArgs): EcomProduct {
  const p = a.ctx.state.products.find((x) => x.id === Number(a.params[0]));
  if (!p) throw ecomError(404, `Product ${a.params[0]} not found.`);
  return p;
}

function findVariant(a: RouteArgs): EcomVariant {
  const v = a.ctx.state.variants.find((x) => x.id === Number(a.params[0]));
  if (!v) throw ecomError(404, `Variant ${a.params[0]} not found.`);
  return v;
}

function findHook(a: RouteArgs): EcomWebhook {
  const h = a.ctx.state.hooks.find((x) => x.id === Number(a.params[0]));
  if (!h) throw ecomError(404, `Webhook ${a.params[0]} not found.`);
  return h;
}

async function putVariant(a: RouteArgs): Promise<{ status: number; body: unknown }> {
  const v = findVariant(a);
  const body = await readBody(a);
  if (applyVariantUpdate(v, body, a.ctx.state.now)) a.ctx.state.variantChanged(v, a.ctx.origin);
  return { status: 200, body: { variant: variantWire(v, a.ctx.origin, a.lang) } };
}

function deleteHook(a: RouteArgs): { status: number; body: unknown } {
  const h = findHook(a);
  a.ctx.state.hooks = a.ctx.state.hooks.filter((x) => x !== h);
  return { status: 204, body: undefined };
}

/**
 * `GET /account/ratelimit.json` (EC-JAVA `AccountRatelimit`): the first three windows as
 * `limit5Min`, `limitHour`, `limitDay`, each `{limit, remaining, reset (seconds), resetTime}`.
 * It counts as a call itself (UNCONFIRMED) and answers the state after counting it.
 */
function accountRatelimit(state: LightspeedEcomState): Record<string, unknown> {
  const names = ['limit5Min', 'limitHour', 'limitDay'];
  return Object.fromEntries(
    state.limiter
      .peek()
      .slice(0, 3)
      .map((w, i) => [names[i], { limit: w.limit, remaining: w.remaining, reset: Math.ceil(w.resetMs / 1000), resetTime: ecomTime(state.now + w.resetMs) }]),
  );
}
