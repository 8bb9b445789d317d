import { PICQER_ERROR, PicqerSandboxHttpError } from './http-util';
import { page, parseOffset } from './filters';
import type { Router, RouteAnswer } from './router';
import type { PicqerStore } from './store';
import type { WarehouseData } from './warehouse-data';

/**
 * Picqer API v1 routes of warehouse-data.ts (paths relative to /api/v1): product parts, stock per
 * location, purchase orders, suppliers, picklist shipments and backorders. Added before the
 * product routes, so `GET /products/{id}/stock/{idwarehouse}` answers with the locations.
 */

const ok = (body: unknown, status = 200): RouteAnswer => ({ status, body });
const list = (items: unknown[]): RouteAnswer => ({ status: 200, text: JSON.stringify(items) });

function found<T>(value: T | undefined, what: string, id: string): T {
  if (value === undefined) throw new PicqerSandboxHttpError(404, PICQER_ERROR.itemNotFound, `${what} ${id} not found.`);
  return value;
}

export function addWarehouseRoutes(r: Router, store: PicqerStore, data: WarehouseData): void {
  const product = (id: string) => found(store.product(Number(id)), 'Product', id);
  r.add('GET', '/products/:idproduct/parts', ({ params, query }) => ok(data.partsOf(product(params.idproduct), query.get('nested') === 'true')));
  r.add('GET', '/products/:idproduct/parts/:idproduct_part', ({ params }) => {
    const parts = data.partsOf(product(params.idproduct), false);
    return ok(
      found(
        parts.find((x) => x.idproduct_part === Number(params.idproduct_part)),
        'Product part',
        params.idproduct_part,
      ),
    );
  });
  r.add('GET', '/products/:idproduct/stock/:idwarehouse', ({ params }) => {
    const p = product(params.idproduct);
    const row = store.stockRow(p, Number(params.idwarehouse));
    return ok({ ...row, locations: data.locations(p, row) });
  });

  r.add('GET', '/purchaseorders', ({ query }) => list(data.purchaseOrders(query)));
  r.add('GET', '/purchaseorders/:idpurchaseorder', ({ params }) =>
    ok(found(data.purchaseOrder(Number(params.idpurchaseorder)), 'Purchase order', params.idpurchaseorder)),
  );
  r.add('GET', '/suppliers', ({ query }) => list(page(data.seed.suppliers, [], parseOffset(query))));
  r.add('GET', '/suppliers/:idsupplier', ({ params }) => ok(found(data.supplier(Number(params.idsupplier)), 'Supplier', params.idsupplier)));

  r.add('GET', '/picklists/:idpicklist/shipments', ({ params }) => {
    found(store.picklist(Number(params.idpicklist)), 'Picklist', params.idpicklist);
    return list(data.shipmentsOf(Number(params.idpicklist)));
  });
  // The body (shipping provider profile, weight) is accepted and not read: the sandbox has one label service.
  r.add('POST', '/picklists/:idpicklist/shipments', ({ params }) => ok(data.createShipment(Number(params.idpicklist)), 201));

  r.add('GET', '/backorders', ({ query }) => list(data.backorders(query)));
  r.add('GET', '/backorders/:idbackorder', ({ params }) => ok(found(data.backorder(Number(params.idbackorder)), 'Backorder', params.idbackorder)));
}
