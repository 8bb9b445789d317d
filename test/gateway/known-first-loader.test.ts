import { KnownFirstLoader } from '../../src/util/known-first-loader';

/** The loader list pages tell their rows to: known keys need no batch, and nothing it holds is replaced. */
describe('KnownFirstLoader', () => {
  const loader = () => {
    const batches: number[][] = [];
    const l = new KnownFirstLoader<number, string | null>(async (ids) => {
      batches.push([...ids]);
      return ids.map((id) => `fetched ${id}`);
    });
    return { l, batches };
  };

  test('answers known keys without a batch, and batches the rest', async () => {
    const { l, batches } = loader();
    l.know(1, 'from the page').know(2, null);
    expect(await l.loadMany([1, 2, 3, 4])).toEqual(['from the page', null, 'fetched 3', 'fetched 4']);
    expect(batches).toEqual([[3, 4]]);
  });

  /** A page as list loaders tell it: wire rows with their keys, each row's value made (and counted) when read. */
  const page = (ids: number[], label: string, made: string[]) => ({
    length: ids.length,
    wire: (i: number) => ({ id: ids[i] }),
    at: (i: number) => {
      made.push(`${label} ${ids[i]}`);
      return `${label} row ${ids[i]}`;
    },
  });

  test('knowRows makes a row only when its key is loaded, once, without a batch', async () => {
    const { l, batches } = loader();
    const made: string[] = [];
    l.knowRows(page([1, 2, 3], 'p', made), (w) => w.id);
    expect(made).toEqual([]);
    expect(await l.loadMany([2, 2, 4])).toEqual(['p row 2', 'p row 2', 'fetched 4']);
    expect(await l.load(2)).toBe('p row 2');
    expect(made).toEqual(['p 2']);
    expect(batches).toEqual([[4]]);
  });

  test('a page never replaces what is known or already loaded, and the first page told wins', async () => {
    const { l, batches } = loader();
    const made: string[] = [];
    l.know(5, 'known');
    expect(await l.load(4)).toBe('fetched 4');
    l.knowRows(page([4, 5, 6], 'first', made), (w) => w.id).knowRows(page([6, 7], 'second', made), (w) => w.id);
    l.know(7, 'known later');
    expect(await l.loadMany([4, 5, 6, 7])).toEqual(['fetched 4', 'known', 'first row 6', 'known later']);
    expect(made).toEqual(['first 6']);
    expect(batches).toEqual([[4]]);
  });

  test('clear takes a key off the pages; clearAll forgets the pages', async () => {
    const { l, batches } = loader();
    const made: string[] = [];
    l.knowRows(page([1, 2, 3], 'p', made), (w) => w.id);
    expect(await l.load(1)).toBe('p row 1');
    l.clear(1).clear(2);
    expect(await l.loadMany([1, 2, 3])).toEqual(['fetched 1', 'fetched 2', 'p row 3']);
    l.clear(2).know(2, 'known again');
    expect(await l.load(2)).toBe('known again');
    l.clearAll();
    expect(await l.load(3)).toBe('fetched 3');
    expect(batches).toEqual([[1, 2], [3]]);
  });

  test('know never replaces a value already known or already asked for', async () => {
    const { l, batches } = loader();
    l.know(1, 'first');
    l.know(1, 'second');
    expect(await l.load(1)).toBe('first');
    expect(await l.load(5)).toBe('fetched 5');
    l.know(5, 'too late');
    expect(await l.load(5)).toBe('fetched 5');
    expect(batches).toEqual([[5]]);
  });

  test('clear and clearAll forget what was known', async () => {
    const { l, batches } = loader();
    l.know(1, 'known').know(2, 'known');
    l.clear(1);
    expect(await l.load(1)).toBe('fetched 1');
    l.clearAll();
    expect(await l.load(2)).toBe('fetched 2');
    expect(batches).toEqual([[1], [2]]);
  });

  test('peek answers what is known, told by a page or preloaded, without a load; undefined for the rest', async () => {
    const batches: number[][] = [];
    const l = new KnownFirstLoader<number, string | null>(async (ids) => {
      batches.push([...ids]);
      return ids.map((id) => (id === 13 ? new Error('upstream failed') : id === 12 ? null : `fetched ${id}`));
    });
    const made: string[] = [];
    l.know(1, 'known')
      .know(2, null)
      .knowRows(page([3], 'p', made), (w) => w.id);
    expect([l.peek(1), l.peek(2), l.peek(3), l.peek(4)]).toEqual(['known', null, 'p row 3', undefined]);
    expect(made).toEqual(['p 3']);
    // A plain load is not peeked at (its answer lives in the DataLoader); a preload's is, null included.
    await l.load(4);
    await l.preload([10, 11, 12, 13, 1]);
    expect([l.peek(4), l.peek(10), l.peek(11), l.peek(12), l.peek(13)]).toEqual([undefined, 'fetched 10', 'fetched 11', null, undefined]);
    expect(batches).toEqual([[4], [10, 11, 12, 13]]);
    l.clear(10);
    expect(l.peek(10)).toBeUndefined();
    l.clearAll();
    expect([l.peek(1), l.peek(3), l.peek(11)]).toEqual([undefined, undefined, undefined]);
  });
});
