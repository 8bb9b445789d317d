import type { CustomerRecord, OrderProductRecord, OrderRecord, PicklistRecord, ProductRecord, WarehouseRecord } from './model';
import type { ProductInput } from './product-input';

/**
 * Builders of the records the store creates at run time (products added through the API, the
 * simulator's orders and the picklists of processed orders), in Picqer's wire shape. Pure: ids
 * and the timestamp come from the caller, so the store stays the only place that hands out ids.
 */

/**
 * A product added with POST /products: the given attributes over Picqer's defaults (type normal,
 * active), with an empty stock row in every warehouse. `input` is checked already.
 */
export function newProductRecord(idproduct: number, input: ProductInput, warehouses: readonly WarehouseRecord[], ts: string): ProductRecord {
  return {
    idproduct,
    idvatgroup: input.idvatgroup!,
    name: input.name!,
    price: input.price!,
    fixedstockprice: null,
    idsupplier: null,
    productcode: input.productcode!,
    productcode_supplier: '',
    deliverytime: null,
    description: '',
    barcode: '',
    type: 'normal',
    unlimitedstock: false,
    weight: null,
    length: null,
    width: null,
    height: null,
    minimum_purchase_quantity: 0,
    purchase_in_quantities_of: 0,
    hs_code: null,
    country_of_origin: null,
    active: true,
    ...input,
    created: ts,
    updated: ts,
    stock: warehouses.map((w) => ({
      idwarehouse: w.idwarehouse,
      stock: 0,
      reserved: 0,
      reservedbackorders: 0,
      reservedpicklists: 0,
      reservedallocations: 0,
      freestock: 0,
    })),
  };
}

/** A new order for `customer` (status `concept`, as Picqer creates orders) with one line per product. */
export function newOrderRecord(
  ids: { idorder: number; nextLineId: () => number },
  customer: CustomerRecord,
  idwarehouse: number,
  lines: Array<{ product: ProductRecord; amount: number }>,
  ts: string,
): OrderRecord {
  const address = customer.addresses[0];
  const id = ids.idorder;
  return {
    idorder: id,
    orderid: `2025${String(id).padStart(5, '0')}`,
    reference: `WEB-${200000 + id}`,
    idcustomer: customer.idcustomer,
    idwarehouse,
    status: 'concept',
    deliveryname: customer.name,
    deliverycontactname: customer.contactname,
    deliveryaddress: address.address,
    deliveryaddress2: null,
    deliveryzipcode: address.zipcode,
    deliverycity: address.city,
    deliveryregion: null,
    deliverycountry: address.country,
    invoicename: customer.name,
    invoicecontactname: customer.contactname,
    invoiceaddress: address.address,
    invoiceaddress2: null,
    invoicezipcode: address.zipcode,
    invoicecity: address.city,
    invoiceregion: null,
    invoicecountry: address.country,
    emailaddress: customer.emailaddress,
    telephone: null,
    customer_remarks: null,
    discount: 0,
    invoiced: false,
    created: ts,
    updated: ts,
    products: lines.map(({ product: p, amount }): OrderProductRecord => ({
      idorder_product: ids.nextLineId(),
      idproduct: p.idproduct,
      idvatgroup: p.idvatgroup,
      productcode: p.productcode,
      name: p.name,
      remarks: '',
      price: p.price,
      amount,
      amount_cancelled: 0,
      weight: p.weight,
    })),
  };
}

/** The picklist of `order`: every order line to pick in `idwarehouse`. */
export function newPicklistRecord(
  ids: { idpicklist: number; nextLineId: () => number },
  order: OrderRecord,
  idwarehouse: number,
  status: 'new' | 'paused',
  ts: string,
): PicklistRecord {
  const id = ids.idpicklist;
  return {
    idpicklist: id,
    picklistid: `P2025-${String(id).padStart(5, '0')}`,
    idorder: order.idorder,
    idcustomer: order.idcustomer,
    idwarehouse,
    status,
    reference: order.reference,
    urgent: false,
    invoiced: false,
    deliveryname: order.deliveryname,
    deliverycountry: order.deliverycountry,
    totalproducts: order.products.reduce((s, l) => s + l.amount, 0),
    totalpicked: 0,
    created: ts,
    updated: ts,
    closed_at: null,
    products: order.products.map((l) => ({
      idpicklist_product: ids.nextLineId(),
      idproduct: l.idproduct,
      idorder_product: l.idorder_product,
      productcode: l.productcode,
      name: l.name,
      amount: l.amount,
      amount_picked: 0,
    })),
  };
}
