import type Redis from 'ioredis';
import { ZERO_ID } from './event-id';
import type { GatewayEvent, NewEvent } from './event.types';
import { resolveEventLogOptions, type AppendResult, type EventLog, type EventLogOptions } from './event-log.types';

/**
 * Dedupe check, append and retention in one script, so two replicas that receive the same retry
 * at the same moment cannot both append it. Time comes from Redis (TIME) rather than from each
 * replica's clock, so every replica trims at the same point. Age trimming is exact (retention is
 * a privacy promise); length trimming is approximate (`~`, whole nodes), as Redis recommends.
 *
 * KEYS[1] = stream, KEYS[2..] = dedupe keys; ARGV = dedupe TTL ms, max events, retention ms, event JSON.
 * Returns { id, 1 } for a duplicate (the first append's id) or { id, 0 } for a new event.
 */
const APPEND_SCRIPT = `
for i = 2, #KEYS do
  local seen = redis.call('GET', KEYS[i])
  if seen then return { seen, 1 } end
end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[4])
for i = 2, #KEYS do redis.call('SET', KEYS[i], id, 'PX', ARGV[1]) end
local t = redis.call('TIME')
local cutoff = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[3])
if cutoff > 0 then redis.call('XTRIM', KEYS[1], 'MINID', string.format('%d-0', cutoff)) end
return { id, 0 }
`;

export interface RedisEventLogOptions extends EventLogOptions {
  /** Shared client for appends and plain reads. Not closed by the log. */
  redis: Redis;
  /** Prefix of every key, e.g. "pgw:"; replicas that should share events share the prefix. */
  keyPrefix: string;
}

type StreamEntries = Array<[id: string, fields: string[]]>;

/**
 * The event log shared by replicas: one Redis stream (`<prefix>events`), trimmed by age (MINID)
 * and by length (MAXLEN ~), with dedupe keys (`<prefix>events:dedupe:<key>`) that expire.
 * Blocking reads (XREAD BLOCK) use a dedicated connection, because a blocked connection cannot
 * serve anyone else's commands.
 */
export class RedisEventLog implements EventLog {
  private readonly opts: ReturnType<typeof resolveEventLogOptions>;
  private readonly redis: Redis;
  private readonly streamKey: string;
  private readonly dedupePrefix: string;
  private blocking?: Redis;
  private closed = false;

  constructor(options: RedisEventLogOptions) {
    this.opts = resolveEventLogOptions(options);
    this.redis = options.redis;
    this.streamKey = `${options.keyPrefix}events`;
    this.dedupePrefix = `${options.keyPrefix}events:dedupe:`;
  }

  async append(event: NewEvent, dedupeKeys: readonly string[]): Promise<AppendResult> {
    const keys = [this.streamKey, ...dedupeKeys.map((k) => this.dedupePrefix + k)];
    const res = (await this.redis.eval(
      APPEND_SCRIPT, keys.length, ...keys,
      this.opts.dedupeTtlMs, this.opts.maxEvents, this.opts.retentionMs,
      JSON.stringify({ topic: event.topic, payload: event.payload }),
    )) as [string, number];
    return { id: String(res[0]), duplicate: Number(res[1]) === 1 };
  }

  async read(after: string, opts: { count?: number; blockMs?: number } = {}): Promise<GatewayEvent[]> {
    const count = opts.count ?? 100;
    if (!opts.blockMs) {
      const res = (await this.redis.xread('COUNT', count, 'STREAMS', this.streamKey, after)) as Array<[string, StreamEntries]> | null;
      return parse(res);
    }
    if (this.closed) return [];
    if (!this.blocking) {
      this.blocking = this.redis.duplicate();
      // Without a listener ioredis prints outages to stderr, outside the structured log; the bus
      // already logs (and backs off on) the failed reads themselves.
      this.blocking.on('error', () => undefined);
    }
    try {
      const res = (await this.blocking.xread('COUNT', count, 'BLOCK', opts.blockMs, 'STREAMS', this.streamKey, after)) as
        Array<[string, StreamEntries]> | null;
      return parse(res);
    } catch (err) {
      // close() disconnects the blocking connection under a pending XREAD; that is not an error.
      if (this.closed) return [];
      throw err;
    }
  }

  async lastId(): Promise<string> {
    const res = (await this.redis.xrevrange(this.streamKey, '+', '-', 'COUNT', 1)) as StreamEntries;
    return res.length ? res[0][0] : ZERO_ID;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.blocking?.disconnect();
  }
}

function parse(res: Array<[string, StreamEntries]> | null): GatewayEvent[] {
  if (!res || res.length === 0) return [];
  const out: GatewayEvent[] = [];
  for (const [id, fields] of res[0][1]) {
    const at = fields.indexOf('e');
    // An entry someone else wrote: keep its id (so readers move past it), match nothing.
    const body = (at < 0 ? { topic: null, payload: null } : JSON.parse(fields[at + 1])) as { topic: unknown; payload: unknown };
    // A stream shared with a newer gateway version may carry topics this one does not know: they
    // are still returned (readers advance their cursor past them) and simply match no subscriber.
    out.push({ id, topic: body.topic, payload: body.payload } as GatewayEvent);
  }
  return out;
}
