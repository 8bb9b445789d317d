import type { IncomingMessage } from 'node:http';
import { intParam, readJsonObject } from './http';
import { retailError, versionPage, type RetailSale } from './retail-model';
import type { LightspeedRetailState } from './retail-state';
import { DEMO_OUTLETS, type RetailProduct } from './seed';

/** The X-Series API 2.0 routes the sandbox serves, below `/api/2.0/`. */

export interface Ctx {
  state: LightspeedRetailState;
  token: string;
  pageSize: number;
}

export const API = '/api/2.0/';

export interface Args {
  ctx: Ctx;
  params: string[];
  q: URLSearchParams;
  req: IncomingMessage;
}
type Run = (a: Args) => Promise<{ status: number; body: unknown }> | { status: number; body: unknown };

export function routeOf(method: string, path: string): { pattern: string; params: string[]; run: Run } | null {
  const table: Array<[string, RegExp, string, Run]> = [
    ['GET', /^products$/, 'products', (a) => page(a, a.ctx.state.products)],
    ['GET', /^products\/([^/]+)$/, 'products/{id}', (a) => ({ status: 200, body: { data: findProduct(a) } })],
    [
      'GET',
      /^products\/([^/]+)\/inventory$/,
      'products/{id}/inventory',
      (a) => ({ status: 200, body: { data: a.ctx.state.inventory.filter((r) => r.product_id === findProduct(a).id) } }),
    ],
    ['GET', /^inventory$/, 'inventory', (a) => page(a, a.ctx.state.inventory)],
    ['GET', /^outlets$/, 'outlets', () => ({ status: 200, body: { data: DEMO_OUTLETS.map((o) => ({ id: o.id, name: o.name })) } })],
    ['GET', /^sales\/([^/]+)$/, 'sales/{id}', (a) => ({ status: 200, body: { data: findSale(a) } })],
    ['GET', /^webhooks$/, 'webhooks', (a) => ({ status: 200, body: { data: a.ctx.state.hooks } })],
    ['POST', /^webhooks$/, 'webhooks', async (a) => ({ status: 201, body: { data: a.ctx.state.addHook(await readBody(a)) } })],
    ['DELETE', /^webhooks\/([^/]+)$/, 'webhooks/{id}', deleteHook],
  ];
  let known: string | null = null;
  for (const [m, re, pattern, run] of table) {
    const hit = re.exec(path);
    if (!hit) continue;
    known = pattern;
    if (m === method) return { pattern, params: hit.slice(1), run };
  }
  if (known) {
    const pattern = known;
    return {
      pattern,
      params: [],
      run: () => {
        throw retailError(405, 'Method Not Allowed', `Method ${method} is not allowed on ${API}${pattern}.`);
      },
    };
  }
  return null;
}

function readBody(a: Args): Promise<Record<string, unknown>> {
  return readJsonObject(a.req, (reason) => retailError(400, 'Bad Request', `Invalid JSON: ${reason}.`));
}

function page<T extends { version: number }>(a: Args, all: readonly T[]): { status: number; body: unknown } {
  const bad = (msg: string) => retailError(400, 'Bad Request', `Invalid parameter: ${msg}.`);
  const pageSize = intParam(a.q, 'page_size', a.ctx.pageSize, 1, 10_000, bad);
  const after = intParam(a.q, 'after', 0, 0, Number.MAX_SAFE_INTEGER, bad);
  const p = versionPage(all, after, pageSize);
  return { status: 200, body: p.version ? p : { data: [] } };
}

function findProduct(a: Args): RetailProduct {
  const p = a.ctx.state.products.find((x) => x.id === a.params[0]);
  if (!p) throw retailError(404, 'Not Found', `Product ${a.params[0]} not found.`);
  return p;
}

function findSale(a: Args): RetailSale {
  const s = a.ctx.state.sales.find((x) => x.id === a.params[0]);
  if (!s) throw retailError(404, 'Not Found', `Sale ${a.params[0]} not found.`);
  return s;
}

function deleteHook(a: Args): { status: number; body: unknown } {
  const before = a.ctx.state.hooks.length;
  a.ctx.state.hooks = a.ctx.state.hooks.filter((h) => h.id !== a.params[0]);
  if (a.ctx.state.hooks.length === before) throw retailError(404, 'Not Found', `Webhook ${a.params[0]} not found.`);
  return { status: 204, body: undefined };
}
