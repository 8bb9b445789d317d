import { compareEventIds, isEventId, ZERO_ID } from '../../../src/events/log/event-id';
import type { NewEvent } from '../../../src/events/log/event.types';
import { MemoryEventLog } from '../../../src/events/log/event-log.memory';
import { RedisEventLog } from '../../../src/events/log/event-log.redis';
import type { EventLog, EventLogOptions } from '../../../src/events/log/event-log.types';
import { eventsRedis } from '../../helpers/events-redis';

/**
 * One contract, two implementations: the memory ring and the Redis stream must behave the same
 * for everything a receiver or the bus relies on.
 */

const env = eventsRedis('event-log-contract');
afterAll(() => env.cleanup());

let n = 0;
interface Impl {
  make(opts?: EventLogOptions): EventLog;
  /** Lets retention time pass: a fake clock for memory, a real wait for Redis (which uses TIME). */
  advance(ms: number): Promise<void>;
}

function memoryImpl(): Impl {
  let now = 1_767_225_600_000;
  return {
    make: (opts) => new MemoryEventLog(opts, () => now),
    advance: async (ms) => {
      now += ms;
    },
  };
}

function redisImpl(): Impl {
  return {
    make: (opts) => new RedisEventLog({ ...opts, redis: env.redis, keyPrefix: `${env.prefix}${++n}:` }),
    advance: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}

function order(idorder: number, status = 'processing'): NewEvent {
  return { topic: 'orderStatusChanged', payload: { idorder, orderid: `O-${idorder}`, status } };
}

describe.each([
  ['memory', memoryImpl],
  ['redis', redisImpl],
])('EventLog contract: %s', (_name, impl) => {
  let it_: Impl;
  const logs: EventLog[] = [];
  beforeEach(() => {
    it_ = impl();
  });
  afterEach(async () => {
    await Promise.all(logs.splice(0).map((l) => l.close()));
  });
  const make = (opts?: EventLogOptions): EventLog => {
    const log = it_.make(opts);
    logs.push(log);
    return log;
  };

  test('an empty log has lastId 0-0 and reads nothing', async () => {
    const log = make();
    expect(await log.lastId()).toBe(ZERO_ID);
    expect(await log.read(ZERO_ID)).toEqual([]);
  });

  test('appends get increasing stream-style ids and read back in order, after-exclusive', async () => {
    const log = make();
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) ids.push((await log.append(order(i), [`k${i}`])).id);
    expect(ids.every(isEventId)).toBe(true);
    for (let i = 1; i < ids.length; i++) expect(compareEventIds(ids[i], ids[i - 1])).toBeGreaterThan(0);
    expect(await log.lastId()).toBe(ids[4]);

    const all = await log.read(ZERO_ID);
    expect(all.map((e) => e.id)).toEqual(ids);
    expect(all[0]).toEqual({ id: ids[0], topic: 'orderStatusChanged', payload: { idorder: 1, orderid: 'O-1', status: 'processing' } });

    const tail = await log.read(ids[1]);
    expect(tail.map((e) => e.id)).toEqual(ids.slice(2));
    expect((await log.read(ids[0], { count: 2 })).map((e) => e.id)).toEqual(ids.slice(1, 3));
    expect(await log.read(ids[4])).toEqual([]);
  });

  test('a repeated dedupe key is a duplicate that returns the first id and appends nothing', async () => {
    const log = make();
    const first = await log.append(order(1), ['delivery-a']);
    const again = await log.append(order(1), ['delivery-a']);
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ id: first.id, duplicate: true });
    // Any one of several keys matching makes it a duplicate (Shopify: webhook id or event id).
    const other = await log.append(order(2), ['delivery-b', 'delivery-a']);
    expect(other).toEqual({ id: first.id, duplicate: true });
    expect(await log.read(ZERO_ID)).toHaveLength(1);
  });

  test('concurrent appends of the same delivery append it exactly once', async () => {
    const log = make();
    const results = await Promise.all(Array.from({ length: 20 }, () => log.append(order(7), ['same'])));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await log.read(ZERO_ID)).toHaveLength(1);
  });

  test('dedupe keys expire after their TTL', async () => {
    const log = make({ dedupeTtlMs: 50 });
    await log.append(order(1), ['ttl']);
    await it_.advance(120);
    expect((await log.append(order(1), ['ttl'])).duplicate).toBe(false);
  });

  test('the log is bounded by maxEvents and keeps the newest', async () => {
    const log = make({ maxEvents: 10 });
    let last = '';
    for (let i = 0; i < 300; i++) last = (await log.append(order(i), [`m${i}`])).id;
    const kept = await log.read(ZERO_ID, { count: 1000 });
    // Redis trims whole stream nodes (MAXLEN ~), so "bounded" means far fewer than appended.
    expect(kept.length).toBeGreaterThanOrEqual(10);
    expect(kept.length).toBeLessThan(300);
    expect(kept[kept.length - 1].id).toBe(last);
  });

  test('events older than the retention are dropped', async () => {
    const log = make({ retentionMs: 100 });
    const old = await log.append(order(1), ['old']);
    await it_.advance(250);
    const fresh = await log.append(order(2), ['fresh']);
    const kept = (await log.read(ZERO_ID)).map((e) => e.id);
    expect(kept).toEqual([fresh.id]);
    expect(kept).not.toContain(old.id);
  });

  test('a blocking read wakes up for an append and returns it', async () => {
    const log = make();
    const start = await log.lastId();
    const reading = log.read(start, { blockMs: 10_000 });
    // For Redis the blocking read runs on its own connection, so this append is not queued behind it.
    const { id } = await log.append(order(9), ['wake']);
    const got = await reading;
    expect(got.map((e) => e.id)).toEqual([id]);
  });

  test('close ends a pending blocking read with no events', async () => {
    const log = make();
    const reading = log.read(await log.lastId(), { blockMs: 10_000 });
    await log.close();
    expect(await reading).toEqual([]);
  });
});
