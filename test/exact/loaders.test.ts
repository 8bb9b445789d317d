import { GraphQLError } from 'graphql';
import { createExactLoaders, type ExactClient } from '../../src/datasources/exact';
import { CallAccounting } from '../../src/datasources/upstream/accounting';
import { demoCatalog } from '../../src/sandbox/catalog';
import { startExactSandbox, type ExactSandbox } from '../../src/sandbox/exact';
import { clientFor, control, exactCodes, stats } from './support/sandbox-client';

/** Item loaders against the real sandbox: $filter batching, URL budget, __next paging, limits. */

const PRODUCTS = 300;
let sb: ExactSandbox;
const now = Date.UTC(2026, 0, 15, 11, 0, 0);
const clock = (): number => now;
let client: ExactClient;

beforeAll(async () => {
  sb = await startExactSandbox({ products: PRODUCTS, clock });
});
afterAll(async () => {
  await sb.close();
});
beforeEach(async () => {
  await control(sb, 'reset');
  client = clientFor(sb, { clock, deadlineMs: 1000 });
});
afterEach(async () => {
  await client.close();
});

/** Codes in the $filter of each recorded Items call. */
async function filteredCalls(): Promise<Array<{ codes: string[]; query: Record<string, string>; urlLength: number }>> {
  return (await stats(sb)).calls
    .filter((c) => c.path.endsWith('/logistics/Items'))
    .map((c) => ({ codes: [...(c.query.$filter ?? '').matchAll(/Code eq '([^']*)'/g)].map((m) => m[1]), query: c.query, urlLength: c.urlLength }));
}

describe('Exact item loaders', () => {
  it('loads 100 product codes in 2 calls of at most 60 codes, with null for codes Exact lacks', async () => {
    const catalog = demoCatalog({ products: PRODUCTS }).slice(0, 100);
    const accounting = new CallAccounting();
    const loaders = createExactLoaders(client, accounting);
    const items = await Promise.all(catalog.map((p) => loaders.itemByCode.load(p.productcode)));
    const calls = await filteredCalls();
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.codes.length).sort((a, b) => a - b)).toEqual([40, 60]);
    expect(new Set(calls.flatMap((c) => c.codes))).toEqual(new Set(catalog.map((p) => p.productcode)));
    expect(calls.every((c) => c.query.$select === 'ID,Code,Description,Barcode,CostPriceStandard,Stock')).toBe(true);
    expect(accounting.toJSON().exact.calls).toBe(2);
    for (const [i, p] of catalog.entries()) {
      if (!p.inExact) {
        expect(items[i]).toBeNull();
        continue;
      }
      const stock = p.stock[1] + p.stock[2];
      expect(items[i]).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        code: p.productcode,
        description: p.name,
        barcode: p.barcode,
        costPrice: p.costPrice,
        stock,
        stockValue: Math.round(p.costPrice * stock * 100) / 100,
      });
    }
    expect(items.filter((x) => x === null).length).toBe(catalog.filter((p) => !p.inExact).length);
  });

  it('keeps every URL within the URL budget by sending smaller chunks', async () => {
    const codes = exactCodes(sb).slice(0, 100);
    const loaders = createExactLoaders(client, new CallAccounting(), { maxUrlLength: 700 });
    const items = await loaders.itemByCode.loadMany(codes);
    expect(items.every((x) => x !== null && !(x instanceof Error))).toBe(true);
    const calls = await filteredCalls();
    expect(calls.length).toBeGreaterThan(2);
    expect(calls.every((c) => c.urlLength <= 700)).toBe(true);
    expect(calls.reduce((n, c) => n + c.codes.length, 0)).toBe(100);
  });

  it('follows d.__next when a chunk spans more than one page', async () => {
    await control(sb, 'config', { pageSize: 25 });
    const codes = exactCodes(sb).slice(0, 60);
    const loaders = createExactLoaders(client, new CallAccounting());
    const items = await loaders.itemByCode.loadMany(codes);
    expect(items.map((x) => (x && !(x instanceof Error) ? x.code : null))).toEqual(codes);
    const calls = await filteredCalls();
    expect(calls).toHaveLength(3);
    expect(calls.filter((c) => c.query.$skiptoken !== undefined)).toHaveLength(2);
  });

  it('escapes quotes in codes instead of breaking the $filter', async () => {
    const loaders = createExactLoaders(client, new CallAccounting());
    expect(await loaders.itemByCode.load("O'BRIEN-1")).toBeNull();
    expect((await filteredCalls())[0].query.$filter).toBe("Code eq 'O''BRIEN-1'");
  });

  it('fails with RATE_LIMITED once the sandbox says the minute budget is spent', async () => {
    await control(sb, 'config', { minutelyLimit: 1 });
    const loaders = createExactLoaders(client, new CallAccounting());
    await loaders.itemByCode.load(exactCodes(sb)[0]);
    const err = await createExactLoaders(client, new CallAccounting())
      .itemByCode.load(exactCodes(sb)[1])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphQLError);
    expect((err as GraphQLError).extensions.code).toBe('RATE_LIMITED');
    // The sandbox's X-RateLimit-Minutely-Remaining: 0 reached the governor: nothing past the limit got through.
    expect((await stats(sb)).byStatus['200']).toBe(1);
  });
});
