import { demoCatalog, prng, WAREHOUSES } from '../catalog';
import { picqerTimestamp } from './http-util';
import type { CustomerRecord, OrderProductRecord, OrderRecord, OrderStatus, PicklistRecord, ProductRecord, WarehouseRecord } from './model';

/**
 * Deterministic seed data for the Picqer sandbox: products and stock from the shared demo catalog,
 * plus invented customers, orders and picklists. Reservations are NOT applied here: the store
 * derives them from the open picklists and allocating orders, so there is one source of truth.
 */

export interface PicqerSeedOptions {
  /** Default 2,000. */
  products?: number;
  /** Default 500. */
  orders?: number;
  /** Default 42. */
  seed?: number;
  /** Zone of the written timestamps. Default DEFAULT_PICQER_TIME_ZONE. */
  timeZone?: string;
}

export interface PicqerSeed {
  products: ProductRecord[];
  warehouses: WarehouseRecord[];
  customers: CustomerRecord[];
  orders: OrderRecord[];
  picklists: PicklistRecord[];
}

/** Seeded data starts here; all created/updated stamps lie between this and "now". */
const SEED_EPOCH_MS = Date.UTC(2024, 0, 2, 8, 0, 0);
const CUSTOMERS = 150;
const CITIES = ['Demostad', 'Voorbeeldorp', 'Testdam', 'Fictiveen', 'Sandboxhaven'];
const STREETS = ['Examplestraat', 'Demolaan', 'Proefweg', 'Sandboxplein'];

/**
 * A Picqer-only warehouse whose stock does not count for general stock (`counts_for_general_stock`
 * false) and takes no orders: returned goods waiting for inspection. Some products have stock in
 * it, so their free stock (the sum over counting warehouses) differs from the sum of their rows.
 * Not in the shared catalog: Shopify and Exact know warehouses 1 and 2 only.
 */
const RETURNS_WAREHOUSE = { idwarehouse: 3, name: 'Returns inspection Utrecht' } as const;

/** Stock in the returns warehouse: every third product (the first included) has 1–5 units. */
function returnsStock(productIndex: number): number {
  return productIndex % 3 === 0 ? 1 + (productIndex % 5) : 0;
}

/** Orders the sandbox seeds, by share; older orders are mostly completed, like a real account. */
function pickStatus(r: number, age: number): OrderStatus {
  // age is 0 (oldest) … 1 (newest): the newest fifth holds the open work.
  if (age < 0.8) return r < 0.9 ? 'completed' : 'cancelled';
  if (r < 0.55) return 'processing';
  if (r < 0.7) return 'concept';
  if (r < 0.8) return 'expected';
  if (r < 0.9) return 'paused';
  return 'completed';
}

export function seedPicqerData(opts: PicqerSeedOptions = {}): PicqerSeed {
  const seed = opts.seed ?? 42;
  const catalog = demoCatalog({ products: opts.products ?? 2000, seed });
  const rnd = prng(seed + 7919);
  const stamp = (i: number, n: number): string => picqerTimestamp(SEED_EPOCH_MS + Math.floor((i / Math.max(1, n)) * 300 * 86_400_000), opts.timeZone);

  const warehouses: WarehouseRecord[] = [
    ...WAREHOUSES.map((w, i) => ({
      idwarehouse: w.idwarehouse,
      name: w.name,
      accept_orders: true,
      counts_for_general_stock: true,
      priority: i + 1,
      active: true,
    })),
    { ...RETURNS_WAREHOUSE, accept_orders: false, counts_for_general_stock: false, priority: WAREHOUSES.length + 1, active: true },
  ];

  const products: ProductRecord[] = catalog.map((c, i) => ({
    idproduct: c.id,
    idvatgroup: 1,
    name: c.name,
    price: c.price,
    fixedstockprice: null,
    idsupplier: null,
    productcode: c.productcode,
    productcode_supplier: '',
    deliverytime: null,
    description: '',
    barcode: c.barcode,
    type: 'normal',
    unlimitedstock: false,
    weight: 100 + ((i * 37) % 1900),
    length: null,
    width: null,
    height: null,
    minimum_purchase_quantity: 0,
    purchase_in_quantities_of: 0,
    hs_code: null,
    country_of_origin: null,
    active: true,
    created: stamp(i, catalog.length * 4),
    updated: stamp(i, catalog.length * 4),
    stock: warehouses.map((w) => {
      const stock = w.idwarehouse === RETURNS_WAREHOUSE.idwarehouse ? returnsStock(i) : (c.stock[w.idwarehouse] ?? 0);
      return { idwarehouse: w.idwarehouse, stock, reserved: 0, reservedbackorders: 0, reservedpicklists: 0, reservedallocations: 0, freestock: stock };
    }),
  }));

  const customers: CustomerRecord[] = [];
  for (let i = 1; i <= CUSTOMERS; i++) {
    customers.push({
      idcustomer: 3000 + i,
      customerid: `C${String(i).padStart(5, '0')}`,
      name: `Demo Customer ${i}`,
      contactname: `Contact ${i}`,
      telephone: null,
      emailaddress: `customer${i}@example.invalid`,
      addresses: [
        {
          idcustomer_address: 9000 + i,
          name: `Demo Customer ${i}`,
          address: `${STREETS[i % STREETS.length]} ${i}`,
          zipcode: `${1000 + i} AA`,
          city: CITIES[i % CITIES.length],
          country: 'NL',
          defaultinvoice: true,
          defaultdelivery: true,
        },
      ],
    });
  }

  // Free stock already promised while seeding, so open work never reserves more than is there.
  const promised = new Map<string, number>();
  const free = (p: ProductRecord, wh: number): number => {
    const row = p.stock.find((s) => s.idwarehouse === wh);
    return (row?.stock ?? 0) - (promised.get(`${p.idproduct}:${wh}`) ?? 0);
  };

  const nOrders = opts.orders ?? 500;
  const orders: OrderRecord[] = [];
  const picklists: PicklistRecord[] = [];
  let orderLineId = 400000;
  let picklistLineId = 800000;
  for (let i = 1; i <= nOrders; i++) {
    const status = pickStatus(rnd(), (i - 1) / Math.max(1, nOrders - 1));
    const reserves = status !== 'completed' && status !== 'cancelled';
    const wh = rnd() < 0.8 ? 1 : 2;
    const customer = customers[Math.floor(rnd() * customers.length)];
    const lines: OrderProductRecord[] = [];
    const nLines = 1 + Math.floor(rnd() * 4);
    for (let l = 0; l < nLines; l++) {
      const amount = 1 + Math.floor(rnd() * 3);
      let product: ProductRecord | undefined;
      for (let attempt = 0; attempt < 12 && !product; attempt++) {
        const candidate = products[Math.floor(rnd() * products.length)];
        if (lines.some((x) => x.idproduct === candidate.idproduct)) continue;
        if (!reserves || free(candidate, wh) >= amount) product = candidate;
      }
      if (!product) continue;
      if (reserves) promised.set(`${product.idproduct}:${wh}`, (promised.get(`${product.idproduct}:${wh}`) ?? 0) + amount);
      lines.push({
        idorder_product: ++orderLineId,
        idproduct: product.idproduct,
        idvatgroup: product.idvatgroup,
        productcode: product.productcode,
        name: product.name,
        remarks: '',
        price: product.price,
        amount,
        amount_cancelled: 0,
        weight: product.weight,
      });
    }
    if (lines.length === 0) continue;
    const created = stamp(i, nOrders);
    const address = customer.addresses[0];
    const order: OrderRecord = {
      idorder: 5000 + i,
      orderid: `2024${String(i).padStart(5, '0')}`,
      reference: `WEB-${100000 + i}`,
      idcustomer: customer.idcustomer,
      idwarehouse: wh,
      status,
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
      invoiced: status === 'completed',
      created,
      updated: created,
      products: lines,
    };
    orders.push(order);
    const picklistStatus = status === 'processing' ? 'new' : status === 'paused' ? 'paused' : status === 'completed' ? 'closed' : null;
    if (picklistStatus) {
      const total = lines.reduce((s, x) => s + x.amount, 0);
      const closed = picklistStatus === 'closed';
      const n = picklists.length + 1;
      picklists.push({
        idpicklist: 70000 + n,
        picklistid: `P2024-${String(n).padStart(5, '0')}`,
        idorder: order.idorder,
        idcustomer: order.idcustomer,
        idwarehouse: wh,
        status: picklistStatus,
        reference: order.reference,
        urgent: false,
        invoiced: closed,
        deliveryname: order.deliveryname,
        deliverycountry: order.deliverycountry,
        totalproducts: total,
        totalpicked: closed ? total : 0,
        created,
        updated: created,
        closed_at: closed ? created : null,
        products: lines.map((x) => ({
          idpicklist_product: ++picklistLineId,
          idproduct: x.idproduct,
          idorder_product: x.idorder_product,
          productcode: x.productcode,
          name: x.name,
          amount: x.amount,
          amount_picked: closed ? x.amount : 0,
        })),
      });
    }
  }
  return { products, warehouses, customers, orders, picklists };
}
