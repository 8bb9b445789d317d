import type { RunningGateway } from '../../src/app';
import { startPicqerSandbox, type PicqerSandbox } from '../../src/sandbox/picqer';
import { encodeCursor } from '../../src/schema/common/cursor';
import { gql } from '../helpers/gql';
import { gatewayFor, usage } from './support';

/**
 * A cached `products` page reads the product entries of the rows it answers, not all of the
 * upstream page's 100: a `first: 20` page is 20 entries. A product gone since the page entry was
 * written is left out, and the rows after it move up, wherever it stood.
 */

let picqer: PicqerSandbox;
let gw: RunningGateway;

beforeAll(async () => {
  picqer = await startPicqerSandbox({ products: 150 });
  gw = await gatewayFor({ picqer }, {}); // no REDIS_URL: the memory store
});

afterAll(async () => {
  await gw?.close();
  await picqer?.close();
});

const page = (first: number, after?: string): string =>
  `{ products(first: ${first}${after ? `, after: "${after}"` : ''}) { edges { node { idproduct } } pageInfo { hasNextPage } } }`;

/** The ids of the sandbox's active products, in Picqer's list order (ascending id). */
function activeIds(): number[] {
  return picqer.state.products
    .filter((p) => p.active)
    .map((p) => p.idproduct)
    .sort((a, b) => a - b);
}

async function read(query: string): Promise<{ ids: number[]; hits: number; calls: number; pageInfo: { hasNextPage: boolean } }> {
  const r = await gql(gw, query);
  expect(r.body.errors).toBeUndefined();
  const edges = r.body.data.products.edges as Array<{ node: { idproduct: number } }>;
  const u = usage(r.body, 'picqer');
  return { ids: edges.map((e) => e.node.idproduct), hits: u.cacheHits, calls: u.calls, pageInfo: r.body.data.products.pageInfo };
}

/** Drops one product's entry, as its ttl or an eviction would, leaving the page entry that lists it. */
async function forgetProduct(idproduct: number): Promise<void> {
  const { cache, cacheNamespaces } = gw.services;
  await cache!.invalidate('picqer', 'product', cacheNamespaces.picqer!, [String(idproduct)]);
}

it('reads as many product entries as the page has rows, across an upstream page boundary too', async () => {
  // Fill both upstream pages' entries (rows 0..99 and 100..149) and their products.
  expect((await read(page(100))).ids).toEqual(activeIds().slice(0, 100));
  expect((await read(page(100, encodeCursor(99)))).ids).toEqual(activeIds().slice(100, 150));

  const p20 = await read(page(20));
  const p60 = await read(page(60));
  expect([p20.calls, p60.calls]).toEqual([0, 0]);
  expect(p20.ids).toEqual(activeIds().slice(0, 20));
  expect(p60.ids).toEqual(activeIds().slice(0, 60));
  expect(p20.pageInfo.hasNextPage).toBe(true);
  // The same page entry and warehouse list each time; only the product entries differ.
  expect(p60.hits - p20.hits).toBe(40);

  // Rows 90..109 (10 from each upstream page) against rows 90..104: both read both page entries.
  const p20across = await read(page(20, encodeCursor(89)));
  const p15across = await read(page(15, encodeCursor(89)));
  expect(p20across.ids).toEqual(activeIds().slice(90, 110));
  expect(p15across.ids).toEqual(activeIds().slice(90, 105));
  expect(p20across.hits - p15across.hits).toBe(5);
  expect(p20across.pageInfo.hasNextPage).toBe(true);
});

it('leaves out a product gone since the page entry was written, inside the rows read or after them', async () => {
  await read(page(100));
  const before = activeIds();
  const inside = picqer.state.products.find((p) => p.idproduct === before[2])!;
  const after = picqer.state.products.find((p) => p.idproduct === before[40])!;
  inside.active = false;
  after.active = false;
  // No event: the page entry still lists both; their own entries are gone, so they are read again.
  await forgetProduct(inside.idproduct);
  await forgetProduct(after.idproduct);
  try {
    const p5 = await read(page(5));
    expect(p5.ids).toEqual(activeIds().slice(0, 5));
    expect(p5.ids).not.toContain(inside.idproduct);
    expect(p5.pageInfo.hasNextPage).toBe(true);
    const p50 = await read(page(50));
    expect(p50.ids).toEqual(activeIds().slice(0, 50));
  } finally {
    inside.active = true;
    after.active = true;
  }
});

it("a cached page's stock rows follow a changed warehouse list and a changed product", async () => {
  const stockPage = '{ products(first: 5) { edges { node { idproduct stock { warehouse { idwarehouse name } freeStock } } } } }';
  const read = async (): Promise<Array<{ idproduct: number; stock: Array<{ warehouse: { idwarehouse: number; name: string }; freeStock: number }> }>> => {
    const r = await gql(gw, stockPage);
    expect(r.body.errors).toBeUndefined();
    return r.body.data.products.edges.map((e: any) => e.node);
  };
  // The rows as the sandbox holds them now, for the products the page answers.
  const expected = (answer: Array<{ idproduct: number }>) =>
    answer.map(({ idproduct }) => {
      const p = picqer.state.products.find((x) => x.idproduct === idproduct)!;
      const names = new Map(picqer.state.warehouses.map((w) => [w.idwarehouse, w.name]));
      return { idproduct, stock: p.stock.map((s) => ({ warehouse: { idwarehouse: s.idwarehouse, name: names.get(s.idwarehouse) }, freeStock: s.freestock })) };
    });
  const readsAsHeld = async (): Promise<number[]> => {
    const answer = await read();
    expect(answer).toHaveLength(5);
    expect(answer).toEqual(expected(answer));
    return answer.map((p) => p.idproduct);
  };
  const { cache, cacheNamespaces } = gw.services;
  const ns = cacheNamespaces.picqer!;

  const ids = await readsAsHeld();
  expect(await readsAsHeld()).toEqual(ids);

  // A renamed warehouse, its list entry dropped as a webhook's change would: every row names it anew.
  const w = picqer.state.warehouses[0];
  const oldName = w.name;
  w.name = `${oldName} (renamed)`;
  try {
    await cache!.invalidate('picqer', 'warehouses', ns, ['all']);
    await readsAsHeld();
    expect((await read())[0].stock.find((s) => s.warehouse.idwarehouse === w.idwarehouse)?.warehouse.name).toBe(`${oldName} (renamed)`);
  } finally {
    w.name = oldName;
    await cache!.invalidate('picqer', 'warehouses', ns, ['all']);
  }

  // One product's stock moves and its entry is dropped: its rows change, the others' stay.
  const first = picqer.state.products.find((p) => p.idproduct === ids[0])!;
  const before = (await read())[0].stock[0].freeStock;
  picqer.state.moveStock({ productcode: first.productcode }, first.stock[0].idwarehouse, 3);
  await cache!.invalidate('picqer', 'product', ns, [String(first.idproduct)]);
  expect(await readsAsHeld()).toEqual(ids);
  expect((await read())[0].stock[0].freeStock).toBe(before + 3);
});
