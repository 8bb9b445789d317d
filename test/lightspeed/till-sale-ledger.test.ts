import { MemoryTillSaleLedger, type TillSaleLedger, type TillSaleReport } from '../../src/events/log/till-sale-ledger';
import { RedisTillSaleLedger } from '../../src/events/log/till-sale-ledger.redis';
import { eventsRedis } from '../helpers/events-redis';
import { until } from '../helpers/until';

/** One contract for both ledgers: the memory one of a single process and the Redis one replicas share. */

const env = eventsRedis('till-sale-ledger');
afterAll(() => env.cleanup());

let n = 0;
const kinds: Array<[string, (leaseMs?: number) => TillSaleLedger]> = [
  ['memory', (leaseMs) => new MemoryTillSaleLedger({ leaseMs, maxReports: 3 })],
  ['redis', (leaseMs) => new RedisTillSaleLedger({ redis: env.redis, keyPrefix: `${env.prefix}${++n}:`, leaseMs, maxReports: 3 })],
];

const report = (saleId: string): TillSaleReport => ({
  saleId,
  outletId: 'o1',
  reason: 'unknown-sku',
  lineKey: 'l1',
  productId: 'p1',
  sku: 'SKU-1',
  quantity: 1,
  at: '2026-12-02T21:00:00.000Z',
});

describe.each(kinds)('%s ledger', (_name, make) => {
  test('one receipt holds a sale; others are busy until it finishes, then every receipt finds it done', async () => {
    const ledger = make();
    const first = await ledger.claim('s1');
    expect(first).toEqual({ state: 'claimed', lease: expect.any(String), lines: {} });
    expect(await ledger.claim('s1')).toEqual({ state: 'busy' });
    await ledger.finish('s1', first.state === 'claimed' ? first.lease : '');
    expect(await ledger.claim('s1')).toEqual({ state: 'done' });
    expect((await ledger.claim('s2')).state).toBe('claimed');
  });

  test('a released sale is claimed again with the lines settled so far', async () => {
    const ledger = make();
    const first = await ledger.claim('s1');
    if (first.state !== 'claimed') throw new Error('expected a claim');
    await ledger.recordLine('s1', 'l1', 'applied');
    await ledger.recordLine('s1', 'l2', 'unknown-sku');
    await ledger.release('s1', first.lease);
    expect(await ledger.claim('s1')).toEqual({ state: 'claimed', lease: expect.any(String), lines: { l1: 'applied', l2: 'unknown-sku' } });
  });

  test('releasing with a lease that is not the holder changes nothing', async () => {
    const ledger = make();
    await ledger.claim('s1');
    await ledger.release('s1', 'someone-else');
    expect(await ledger.claim('s1')).toEqual({ state: 'busy' });
  });

  test('a lease nobody renews runs out: a receipt that died leaves the sale to the next delivery', async () => {
    const ledger = make(30);
    await ledger.claim('s1');
    await until(async () => (await ledger.claim('s1')).state === 'claimed', 'the lease to run out');
  });

  test('reports come newest first and are bounded', async () => {
    const ledger = make();
    for (const id of ['a', 'b', 'c', 'd']) await ledger.report(report(id));
    expect((await ledger.reports()).map((r) => r.saleId)).toEqual(['d', 'c', 'b']);
    expect((await ledger.reports(1)).map((r) => r.saleId)).toEqual(['d']);
  });
});
