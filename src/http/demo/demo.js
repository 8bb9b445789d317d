/* global document, location, WebSocket */
/**
 * The live-stock page: a worked example of a frontend on the gateway's public API, with nothing
 * but the browser (no framework, no CDN). It queries the products once over HTTP, then keeps
 * them current from the `freeStockChanged` subscription over graphql-ws, resuming with `after`
 * when the socket drops, and re-reads the Shopify side of what changed.
 */

const config = JSON.parse(document.getElementById('demo-config').textContent);
const endpoint = new URL(config.endpoint, location.href);
const PAGE_SIZE = 15;

const PRODUCTS = `query DemoProducts($first: Int!) {
  warehouses { idwarehouse name countsForGeneralStock }
  products(first: $first) {
    edges { node { productcode name freeStock stock { warehouse { idwarehouse } freeStock } shopify { inventory { available } } } }
  }
}`;
const DRIFT = `query DemoDrift($codes: [String!]!) {
  stockDrift(productcodes: $codes, channels: [SHOPIFY]) { productcode difference }
}`;
const SHOPIFY = `query DemoShopify($code: String!) { product(productcode: $code) { productcode shopify { inventory { available } } } }`;
const STOCK_CHANGES = `subscription DemoStock($codes: [String!], $after: String) {
  freeStockChanged(productcodes: $codes, after: $after) { id productcode freeStock stock { warehouseId freeStock } }
}`;

/** One GraphQL request over HTTP, with the demo token, as any GraphQL-over-HTTP client sends it. */
async function gql(query, variables) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: config.authorization },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) setStatus('error', `Error: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data;
}

/**
 * graphql-ws's protocol (graphql-transport-ws) by hand, for one subscription: connection_init
 * carries the token (a browser WebSocket sends no Authorization header), then `subscribe`, then
 * `next` messages. On a drop it reconnects with a capped back-off and passes the last event id
 * as `after`, so the gateway replays what was missed, in order, once.
 */
function subscribe(query, variables, onEvent) {
  let lastId = null;
  let attempt = 0;
  const wsUrl = new URL(endpoint);
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  const connect = () => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: config.authorization } }));
    socket.onmessage = (message) => {
      const msg = JSON.parse(message.data);
      if (msg.type === 'connection_ack') {
        attempt = 0;
        setStatus('live', 'Live: subscribed to freeStockChanged over graphql-ws.');
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: { ...variables, after: lastId } } }));
      } else if (msg.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
      else if (msg.type === 'next' && msg.payload.data) {
        lastId = msg.payload.data.freeStockChanged.id;
        onEvent(msg.payload.data.freeStockChanged);
      } else if (msg.type === 'next' || msg.type === 'error') setStatus('error', `Subscription error: ${JSON.stringify(msg.payload)}`);
    };
    socket.onclose = (e) => {
      const wait = Math.min(500 * 2 ** attempt++, 10_000);
      setStatus('reconnecting', `Disconnected (${e.code}); reconnecting in ${wait / 1000} s…`);
      setTimeout(connect, wait);
    };
  };
  connect();
}

function setStatus(state, text) {
  const el = document.getElementById('status');
  el.dataset.state = state;
  el.textContent = text;
}

/** Sets a cell's text, flashing it when the value changed (not on first fill). */
function setCell(cell, value) {
  const text = value === null || value === undefined ? '—' : String(value);
  if (cell.textContent === text) return;
  const first = cell.textContent === '';
  cell.textContent = text;
  if (first) return;
  cell.classList.remove('flash');
  void cell.offsetWidth; // restart the animation
  cell.classList.add('flash');
}

function cell(row, code, field, warehouse) {
  const td = document.createElement('td');
  td.dataset.product = code;
  td.dataset.field = field;
  if (warehouse !== undefined) td.dataset.warehouse = String(warehouse);
  row.appendChild(td);
  return td;
}

const rows = new Map();
/** The warehouses whose free stock counts for general stock (Product.freeStock sums these). */
const counted = new Set();

function render(warehouses, products) {
  for (const w of warehouses) if (w.countsForGeneralStock) counted.add(w.idwarehouse);
  const head = document.getElementById('head');
  for (const title of ['Product', 'Name', ...warehouses.map((w) => w.name), 'Free stock', 'Shopify', 'Drift']) {
    const th = document.createElement('th');
    th.textContent = title;
    head.appendChild(th);
  }
  const body = document.getElementById('rows');
  for (const p of products) {
    const tr = document.createElement('tr');
    const r = { free: new Map() };
    cell(tr, p.productcode, 'code').textContent = p.productcode;
    cell(tr, p.productcode, 'name').textContent = p.name;
    for (const w of warehouses) r.free.set(w.idwarehouse, cell(tr, p.productcode, 'warehouse', w.idwarehouse));
    r.total = cell(tr, p.productcode, 'free');
    r.shopify = cell(tr, p.productcode, 'shopify');
    r.drift = cell(tr, p.productcode, 'drift');
    body.appendChild(tr);
    rows.set(p.productcode, r);
    for (const s of p.stock) setCell(r.free.get(s.warehouse.idwarehouse), s.freeStock);
    setCell(r.total, p.freeStock);
    setShopify(p.productcode, p.shopify);
  }
}

function setShopify(code, shopify) {
  const r = rows.get(code);
  r.listed = Boolean(shopify);
  setCell(r.shopify, shopify ? shopify.inventory.reduce((n, level) => n + level.available, 0) : null);
}

async function refreshDrift(codes) {
  const data = await gql(DRIFT, { codes });
  if (!data) return;
  const drift = new Map(codes.map((c) => [c, 0]));
  for (const d of data.stockDrift) drift.set(d.productcode, drift.get(d.productcode) + d.difference);
  for (const [code, difference] of drift) {
    const r = rows.get(code);
    // No Shopify listing: nothing to drift from.
    r.drift.dataset.drift = r.listed ? String(difference) : '';
    setCell(r.drift, r.listed ? (difference > 0 ? `+${difference}` : difference) : null);
  }
}

/** A stock event: the warehouse cells and the total now, the Shopify side shortly after (one read for a burst). */
const pending = new Set();
let refreshTimer;
function onStockChanged(event) {
  const r = rows.get(event.productcode);
  if (!r) return;
  for (const s of event.stock ?? []) if (r.free.has(s.warehouseId)) setCell(r.free.get(s.warehouseId), s.freeStock);
  // The event's freeStock sums every warehouse; Product.freeStock only those that count for general
  // stock (not e.g. returns awaiting inspection): the page sums the same ones the product field does.
  if (event.stock)
    setCell(
      r.total,
      event.stock.filter((s) => counted.has(s.warehouseId)).reduce((n, s) => n + s.freeStock, 0),
    );
  const li = document.createElement('li');
  li.textContent = `${event.id} ${event.productcode}: free stock ${r.total.textContent} (all warehouses ${event.freeStock})`;
  const log = document.getElementById('events');
  log.prepend(li);
  while (log.children.length > 10) log.lastChild.remove();
  pending.add(event.productcode);
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void refreshShopifySide(), 300);
}

async function refreshShopifySide() {
  const codes = [...pending];
  pending.clear();
  await refreshDrift(codes);
  for (const code of codes) {
    const data = await gql(SHOPIFY, { code });
    if (data && data.product) setShopify(code, data.product.shopify);
  }
}

async function main() {
  const data = await gql(PRODUCTS, { first: PAGE_SIZE });
  if (!data) return;
  const products = data.products.edges.map((e) => e.node);
  render(data.warehouses, products);
  const codes = products.map((p) => p.productcode);
  await refreshDrift(codes);
  subscribe(STOCK_CHANGES, { codes }, onStockChanged);
}

void main();
