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

  test('knowLater makes a value only when its key is loaded, once, without a batch', async () => {
    const { l, batches } = loader();
    const made: number[] = [];
    const later = (id: number) => () => {
      made.push(id);
      return `row ${id}`;
    };
    l.knowLater(1, later(1)).knowLater(2, later(2)).knowLater(3, later(3));
    expect(made).toEqual([]);
    expect(await l.loadMany([2, 2, 4])).toEqual(['row 2', 'row 2', 'fetched 4']);
    expect(await l.load(2)).toBe('row 2');
    expect(made).toEqual([2]);
    expect(batches).toEqual([[4]]);
    // Neither replaces what is known or asked for; clear forgets it.
    l.know(5, 'known').knowLater(5, later(5)).knowLater(4, later(4));
    expect(await l.loadMany([5, 4])).toEqual(['known', 'fetched 4']);
    l.clear(3);
    expect(await l.load(3)).toBe('fetched 3');
    expect(made).toEqual([2]);
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
});
