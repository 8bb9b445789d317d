import { PICQER_ERROR, PicqerSandboxHttpError, readJsonObject } from './http-util';
import { listCustomers, listOrders, listPicklists, listProducts, page, parseOffset } from './filters';
import { parseProductInput } from './product-input';
import { Router, type RouteAnswer } from './router';
import type { PicqerStore } from './store';
import { WebhookDispatcher } from './webhooks';
import type { WarehouseData } from './warehouse-data';
import { addWarehouseRoutes } from './warehouse-routes';

/**
 * Picqer API v1 routes (paths relative to /api/v1). Lists answer with pages of at most 100
 * serialised straight from the stored records; single resources answer 404 with Picqer's
 * "Item not found" (error code 20) when the id is unknown.
 */

const ok = (body: unknown, status = 200): RouteAnswer => ({ status, body });
const list = (items: unknown[]): RouteAnswer => ({ status: 200, text: JSON.stringify(items) });

function found<T>(value: T | undefined, what: string, id: string): T {
  if (value === undefined) throw new PicqerSandboxHttpError(404, PICQER_ERROR.itemNotFound, `${what} ${id} not found.`);
  return value;
}

/** Reads `{change}` or `{amount}` (exactly one, integers) from a stock-change body. */
function stockOperation(body: Record<string, unknown>): { change: number } | { amount: number } {
  const hasChange = body.change !== undefined;
  const hasAmount = body.amount !== undefined;
  if (hasChange === hasAmount) {
    throw new PicqerSandboxHttpError(
      400,
      PICQER_ERROR.missingParameters,
      'Missing parameters: give exactly one of "change" (integer, added to stock) or "amount" (integer, the new stock).',
    );
  }
  const value = hasChange ? body.change : body.amount;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new PicqerSandboxHttpError(400, PICQER_ERROR.unknown, `"${hasChange ? 'change' : 'amount'}" must be an integer, got ${JSON.stringify(value)}.`);
  }
  return hasChange ? { change: value } : { amount: value };
}

/** Builds the /api/v1 router over `store` and `hooks` (and the parts, purchase orders, shipments… of `warehouse`). */
export function picqerApiRouter(store: PicqerStore, hooks: WebhookDispatcher, warehouse?: WarehouseData): Router {
  const r = new Router();
  // First: its stock-per-warehouse route (with locations) wins over the one below.
  if (warehouse) addWarehouseRoutes(r, store, warehouse);
  r.add('GET', '/products', ({ query }) => list(listProducts(store, query)));
  r.add('POST', '/products', async ({ req }) => ok(store.createProduct(parseProductInput(await readJsonObject(req), 'create')), 201));
  r.add('GET', '/products/:idproduct', ({ params }) => ok(found(store.product(Number(params.idproduct)), 'Product', params.idproduct)));
  r.add('PUT', '/products/:idproduct', async ({ params, req }) => {
    const body = await readJsonObject(req);
    const p = found(store.product(Number(params.idproduct)), 'Product', params.idproduct);
    return ok(store.updateProduct(p.idproduct, parseProductInput(body, 'update', p)));
  });
  // Picqer's PHP client: POST /products/{id}/inactivate and /activate, no body (answer UNCONFIRMED: the product).
  for (const [action, active] of [
    ['inactivate', false],
    ['activate', true],
  ] as const) {
    r.add('POST', `/products/:idproduct/${action}`, ({ params }) => {
      const p = found(store.product(Number(params.idproduct)), 'Product', params.idproduct);
      return ok(store.updateProduct(p.idproduct, { active }));
    });
  }
  r.add('GET', '/products/:idproduct/stock', ({ params }) => ok(found(store.product(Number(params.idproduct)), 'Product', params.idproduct).stock));
  r.add('GET', '/products/:idproduct/stock/:idwarehouse', ({ params }) => {
    const p = found(store.product(Number(params.idproduct)), 'Product', params.idproduct);
    // The sandbox keeps stock on "no specific location" only, so the location list is empty.
    return ok({ ...store.stockRow(p, Number(params.idwarehouse)), locations: [] });
  });
  r.add('POST', '/products/:idproduct/stock/:idwarehouse', async ({ params, req }) => {
    const body = await readJsonObject(req);
    const p = found(store.product(Number(params.idproduct)), 'Product', params.idproduct);
    const row = store.changeStock({ idproduct: p.idproduct }, Number(params.idwarehouse), stockOperation(body));
    return ok(row, 201);
  });

  r.add('GET', '/warehouses', () => list(store.warehouses));
  r.add('GET', '/warehouses/:idwarehouse', ({ params }) => ok(found(store.warehouse(Number(params.idwarehouse)), 'Warehouse', params.idwarehouse)));

  r.add('GET', '/orders', ({ query }) => list(listOrders(store, query)));
  r.add('GET', '/orders/:idorder', ({ params }) => ok(found(store.order(Number(params.idorder)), 'Order', params.idorder)));

  r.add('GET', '/picklists', ({ query }) => list(listPicklists(store, query)));
  r.add('GET', '/picklists/:idpicklist', ({ params }) => ok(found(store.picklist(Number(params.idpicklist)), 'Picklist', params.idpicklist)));

  r.add('GET', '/customers', ({ query }) => list(listCustomers(store, query)));
  r.add('GET', '/customers/:idcustomer', ({ params }) => ok(found(store.customer(Number(params.idcustomer)), 'Customer', params.idcustomer)));

  r.add('GET', '/hooks', ({ query }) => list(page(hooks.hooks, [], parseOffset(query)).map((h) => WebhookDispatcher.wire(h))));
  r.add('POST', '/hooks', async ({ req }) => ok(WebhookDispatcher.wire(hooks.create(await readJsonObject(req))), 201));
  r.add('GET', '/hooks/:idhook', ({ params }) => ok(WebhookDispatcher.wire(hooks.get(Number(params.idhook)))));
  r.add('DELETE', '/hooks/:idhook', ({ params }) => {
    hooks.deactivate(Number(params.idhook));
    return { status: 204 };
  });
  r.add('POST', '/hooks/:idhook/reactivate', ({ params }) => ok(WebhookDispatcher.wire(hooks.reactivate(Number(params.idhook)))));
  return r;
}
