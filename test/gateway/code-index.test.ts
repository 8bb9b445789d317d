import { ProductCodeIndex } from '../../src/datasources/picqer';

/** The productcode -> idproduct index the Picqer loaders batch by: bounded, expiring, on a manual clock. */

it('trusts an entry for ttlMs after it was set, and forgets it after', () => {
  let now = 1_000;
  const index = new ProductCodeIndex({ ttlMs: 100, now: () => now });
  index.set('PG-1', 11);
  now += 100;
  expect(index.get('PG-1')).toBe(11);
  now += 1;
  expect(index.get('PG-1')).toBeUndefined();
  expect(index.size).toBe(0);
});

it('a new set starts the time to live again', () => {
  let now = 0;
  const index = new ProductCodeIndex({ ttlMs: 100, now: () => now });
  index.set('PG-1', 11);
  now = 90;
  index.set('PG-1', 12);
  now = 150;
  expect(index.get('PG-1')).toBe(12);
});

it('keeps at most maxEntries codes, dropping the least recently used', () => {
  const index = new ProductCodeIndex({ maxEntries: 2 });
  index.set('A', 1);
  index.set('B', 2);
  expect(index.get('A')).toBe(1);
  index.set('C', 3);
  expect(index.size).toBe(2);
  expect(index.get('B')).toBeUndefined();
  expect([index.get('A'), index.get('C')]).toEqual([1, 3]);
});

it('forget drops one code', () => {
  const index = new ProductCodeIndex();
  index.set('A', 1);
  index.forget('A');
  expect(index.get('A')).toBeUndefined();
});

it('leaves an unchanged code set again within half its ttl as it is, and starts its ttl again after', () => {
  let now = 1_000; // not 0: lru-cache reads a start time of 0 as none
  const index = new ProductCodeIndex({ ttlMs: 100, now: () => now });
  index.set('A', 1);
  index.set('B', 2);
  now = 1_040;
  index.set('A', 1); // 60 of 100 left: left as it is
  now = 1_060;
  index.set('B', 2); // 40 left: its ttl starts again
  now = 1_101;
  expect(index.get('A')).toBeUndefined();
  expect(index.get('B')).toBe(2);
  now = 1_160;
  expect(index.get('B')).toBe(2);
  now = 1_161;
  expect(index.get('B')).toBeUndefined();
});

it('records a code again at once when the index dropped it (pushed out, forgotten) or its id changed', () => {
  let now = 1_000;
  const index = new ProductCodeIndex({ maxEntries: 1, ttlMs: 100, now: () => now });
  index.set('A', 1);
  index.set('B', 2); // pushes A out
  now = 1_010;
  index.set('A', 1);
  expect(index.get('A')).toBe(1);
  index.forget('A');
  index.set('A', 1);
  expect(index.get('A')).toBe(1);
  index.set('A', 3);
  expect(index.get('A')).toBe(3);
});

it('setAll records a batch as set does; a batch of unchanged, young codes reads the clock once', () => {
  let now = 1_000;
  let readings = 0;
  const index = new ProductCodeIndex({
    ttlMs: 100,
    now: () => {
      readings++;
      return now;
    },
  });
  index.setAll([
    { productcode: 'A', idproduct: 1 },
    { productcode: 'B', idproduct: 2 },
  ]);
  now = 1_030;
  readings = 0;
  index.setAll([
    { productcode: 'A', idproduct: 1 },
    { productcode: 'B', idproduct: 2 },
  ]);
  expect(readings).toBe(1);
  now = 1_060;
  index.setAll([
    { productcode: 'A', idproduct: 1 }, // 40 of 100 left: its ttl starts again
    { productcode: 'B', idproduct: 3 }, // a new id: recorded at once
    { productcode: 'C', idproduct: 4 },
  ]);
  now = 1_150;
  expect([index.get('A'), index.get('B'), index.get('C')]).toEqual([1, 3, 4]);
  now = 1_161;
  expect([index.get('A'), index.get('B'), index.get('C')]).toEqual([undefined, undefined, undefined]);
});
