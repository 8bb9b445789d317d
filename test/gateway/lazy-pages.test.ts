import { paginate } from '../../src/resolvers/paginate';
import { encodeCursor } from '../../src/schema/common/cursor';
import { LazyRows } from '../../src/util/lazy-rows';

/** A Picqer list page maps only the rows a client page takes; paginate reads pages of either kind. */
function page(offset: number, length: number, mapped: number[]): LazyRows<number, string> {
  const wires = Array.from({ length }, (_, i) => offset + i);
  return new LazyRows(wires, (w) => {
    mapped.push(w);
    return `row ${w}`;
  });
}

it('maps only the rows of the client page, across two upstream pages, and answers as with arrays', async () => {
  const mapped: number[] = [];
  const lazy = await paginate(20, encodeCursor(89), async (offset) => page(offset, offset === 0 ? 100 : 37, mapped));
  expect(mapped.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => 90 + i));
  const eager = await paginate(20, encodeCursor(89), async (offset) => Array.from({ length: offset === 0 ? 100 : 37 }, (_, i) => `row ${offset + i}`));
  expect(lazy).toEqual(eager);
  expect(lazy.edges.map((e) => e.node)).toEqual(Array.from({ length: 20 }, (_, i) => `row ${90 + i}`));
  expect(lazy.pageInfo.hasNextPage).toBe(true);
});

it('stops at the first short page and says there is no next page', async () => {
  const mapped: number[] = [];
  const r = await paginate(150, null, async (offset) => page(offset, offset === 0 ? 100 : 10, mapped));
  expect(r.edges).toHaveLength(110);
  expect(r.pageInfo.hasNextPage).toBe(false);
  expect(r.pageInfo.endCursor).toBe(encodeCursor(109));
});

it('maps a row once however often it is read; slice takes negative ends like an array', () => {
  const mapped: number[] = [];
  const rows = page(0, 5, mapped);
  expect(rows.slice(1, 3)).toEqual(['row 1', 'row 2']);
  expect(rows.at(2)).toBe('row 2');
  expect(rows.slice(-2)).toEqual(['row 3', 'row 4']);
  expect(rows.findByWire((w) => w === 4)).toBe('row 4');
  expect(rows.findByWire((w) => w === 9)).toBeUndefined();
  expect(mapped).toEqual([1, 2, 3, 4]);
});

it('tells each upstream page how many of its rows, from its start, the client page reads', async () => {
  const asked: Array<[number, number]> = [];
  const full = async (offset: number, need: number) => {
    asked.push([offset, need]);
    return Array.from({ length: 100 }, (_, i) => offset + i);
  };
  await paginate(20, null, full);
  await paginate(20, encodeCursor(89), full);
  await paginate(250, encodeCursor(9), full);
  expect(asked).toEqual([
    [0, 20],
    [0, 100],
    [100, 10],
    [0, 100],
    [100, 100],
    [200, 60],
  ]);
});
