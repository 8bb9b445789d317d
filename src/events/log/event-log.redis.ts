import type Redis from 'ioredis';
import { currentTraceparent } from '../../util/tracing';
import { ZERO_ID } from './event-id';
import type { GatewayEvent, NewEvent } from './event.types';
import { EventLogUnavailableError, resolveEventLogOptions, type AppendResult, type EventLog, type EventLogOptions } from './event-log.types';

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
  /** Shared client for plain reads; appends and blocking reads use duplicates of it. Not closed by the log. */
  redis: Redis;
  /** Prefix of every key, e.g. "pgw:"; replicas that should share events share the prefix. */
  keyPrefix: string;
  /**
   * Longest an append waits for Redis's answer before it fails (the receiver then answers 503 and
   * the upstream retries). Default 1000 ms.
   */
  appendTimeoutMs?: number;
  /** How long appends wait for the very first connection at start-up before failing. Default 2000 ms. */
  connectWaitMs?: number;
  /**
   * The connection appends go on, instead of a duplicate of `redis` opened here (not closed by the
   * log). The gateway hands in the entity cache's connection, so a webhook's append is applied after
   * the cache write sent just before it (datasources/picqer/cache-effects.ts). It must not queue
   * while Redis is away: the log's own is opened with no offline queue and no retries.
   */
  writer?: Redis;
}

/** After an append timed out on a connection that still looks up, refuse without asking for this long. */
const PROBE_INTERVAL_MS = 1000;

type StreamEntries = Array<[id: string, fields: string[]]>;

/**
 * The event log shared by replicas: one Redis stream (`<prefix>events`), trimmed by age (MINID)
 * and by length (MAXLEN ~), with dedupe keys (`<prefix>events:dedupe:<key>`) that expire.
 * Blocking reads (XREAD BLOCK) use a dedicated connection, because a blocked connection cannot
 * serve anyone else's commands.
 *
 * Appends have a connection of their own that never queues: while Redis is away an append fails
 * at once (no offline queue, no retries, a command timeout), so the receiver answers 503 in
 * milliseconds and the upstream retries later — instead of holding the delivery for seconds and
 * perhaps running it after the sender gave up. An append resolves only once Redis answered the
 * script, so a 2xx always means the event is in the stream; whether it survives a Redis crash is
 * Redis's persistence (README "Webhook durability": appendonly yes, appendfsync always).
 * A delivery that failed may still have been stored (the answer was lost, not the write): the
 * retry then finds its dedupe key and gets the same id, so it is delivered once.
 */
export class RedisEventLog implements EventLog {
  private readonly opts: ReturnType<typeof resolveEventLogOptions>;
  private readonly redis: Redis;
  private readonly streamKey: string;
  private readonly dedupePrefix: string;
  private blocking?: Redis;
  /** Appends only: fails fast instead of queueing (see the class comment). */
  private readonly writer: Redis;
  /** False for a writer handed in (`writer`): its owner closes it. */
  private readonly ownsWriter: boolean;
  private readonly firstReady: Promise<boolean>;
  private firstReadyTimer?: NodeJS.Timeout;
  private everReady = false;
  /** When an append last timed out on a connection ioredis still calls ready (a hung Redis). */
  private timedOutAt = 0;
  private closed = false;

  constructor(options: RedisEventLogOptions) {
    this.opts = resolveEventLogOptions(options);
    const appendTimeoutMs = options.appendTimeoutMs ?? 1000;
    const connectWaitMs = options.connectWaitMs ?? 2000;
    for (const [k, v] of Object.entries({ appendTimeoutMs, connectWaitMs })) {
      if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`RedisEventLog option ${k} must be a positive whole number, got ${v}.`);
    }
    this.redis = options.redis;
    this.streamKey = `${options.keyPrefix}events`;
    this.dedupePrefix = `${options.keyPrefix}events:dedupe:`;
    this.ownsWriter = options.writer === undefined;
    this.writer =
      options.writer ??
      options.redis.duplicate({
        lazyConnect: false,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        // A command whose caller already got an error must not run later behind its back.
        autoResendUnfulfilledCommands: false,
        commandTimeout: appendTimeoutMs,
        connectTimeout: Math.max(1000, appendTimeoutMs * 2),
        // Reconnect quickly, then every second at most (min: a cap), so appends resume soon after Redis.
        retryStrategy: (times: number) => Math.min(1000, 25 * 2 ** Math.min(times, 6)),
      });
    // Failures surface as failed appends (503s, logged by the receiver); without a listener
    // ioredis would print every reconnect attempt to stderr.
    this.writer.on('error', () => undefined);
    this.writer.on('ready', () => {
      this.everReady = true;
      this.timedOutAt = 0;
    });
    this.everReady = this.writer.status === 'ready';
    this.firstReady = new Promise<boolean>((resolve) => {
      // A connection handed in may be up already.
      if (this.everReady) return resolve(true);
      this.writer.once('ready', () => resolve(true));
      // Deliveries that arrive while a replica starts with Redis down are refused after this wait.
      this.firstReadyTimer = setTimeout(() => resolve(false), connectWaitMs);
    }).finally(() => clearTimeout(this.firstReadyTimer));
  }

  async append(event: NewEvent, dedupeKeys: readonly string[]): Promise<AppendResult> {
    if (this.closed) throw new EventLogUnavailableError('the event log is closed');
    if (this.writer.status !== 'ready') {
      // Only at start-up is the connection worth waiting for (briefly, once); later, not ready
      // means Redis is away and the answer is an immediate 503.
      const cameUp = !this.everReady && (await this.firstReady);
      if (!cameUp || (this.writer.status as string) !== 'ready') throw new EventLogUnavailableError(`Redis is not connected (${this.writer.status})`);
    }
    if (Date.now() - this.timedOutAt < PROBE_INTERVAL_MS) {
      throw new EventLogUnavailableError('Redis did not answer the last append in time');
    }
    const keys = [this.streamKey, ...dedupeKeys.map((k) => this.dedupePrefix + k)];
    let res: [string, number];
    try {
      res = (await this.writer.eval(
        APPEND_SCRIPT,
        keys.length,
        ...keys,
        this.opts.dedupeTtlMs,
        this.opts.maxEvents,
        this.opts.retentionMs,
        JSON.stringify({ topic: event.topic, payload: event.payload, trace: currentTraceparent() }),
      )) as [string, number];
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      // A timeout on a connection that still looks up: Redis hangs. The next appends fail at once
      // for a moment rather than each waiting out the timeout (one probe per PROBE_INTERVAL_MS).
      if (message === 'Command timed out') this.timedOutAt = Date.now();
      throw new EventLogUnavailableError(message);
    }
    return { id: String(res[0]), duplicate: Number(res[1]) === 1 };
  }

  async read(after: string, opts: { count?: number; blockMs?: number } = {}): Promise<GatewayEvent[]> {
    const count = opts.count ?? 100;
    if (!opts.blockMs) {
      const res = await this.redis.xread('COUNT', count, 'STREAMS', this.streamKey, after);
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
      const res = await this.blocking.xread('COUNT', count, 'BLOCK', opts.blockMs, 'STREAMS', this.streamKey, after);
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
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.firstReadyTimer);
    this.blocking?.disconnect();
    if (!this.ownsWriter) return;
    // QUIT lets Redis close the socket; disconnect() alone leaves ioredis's destroy timer running.
    if (this.writer.status === 'ready') await this.writer.quit().catch(() => this.writer.disconnect());
    else this.writer.disconnect();
  }
}

function parse(res: Array<[string, StreamEntries]> | null): GatewayEvent[] {
  if (!res || res.length === 0) return [];
  const out: GatewayEvent[] = [];
  for (const [id, fields] of res[0][1]) {
    const at = fields.indexOf('e');
    // An entry someone else wrote: keep its id (so readers move past it), match nothing.
    const body = (at < 0 ? { topic: null, payload: null } : JSON.parse(fields[at + 1])) as { topic: unknown; payload: unknown; trace?: unknown };
    // A stream shared with a newer gateway version may carry topics this one does not know: they
    // are still returned (readers advance their cursor past them) and simply match no subscriber.
    out.push({ id, topic: body.topic, payload: body.payload, ...(typeof body.trace === 'string' ? { trace: body.trace } : {}) } as GatewayEvent);
  }
  return out;
}
