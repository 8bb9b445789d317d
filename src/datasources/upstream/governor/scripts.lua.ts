/**
 * Lua run inside Redis, so that a check and its booking are one atomic step for every replica.
 * Written here rather than taken from a library (rate-limiter-flexible and kin): those count
 * fixed points per key, while we must re-sync limits from response headers, keep a leaky bucket
 * of Shopify cost points with refunds, hold a shared pause after a 429, and answer "how long
 * until budget" so callers sleep instead of polling. Every script reads the clock from Redis
 * (TIME), so replicas with drifting clocks still agree on windows. Redis 7 replicates script
 * effects, which is what makes TIME followed by writes allowed.
 *
 * Every call passes one more ARGV after those listed below: '' to use TIME, or epoch ms from an
 * injected clock (tests drive time with it; see GovernorRegistryOptions.clock).
 *
 * Take replies are integer arrays (Redis truncates Lua floats): {granted, waitMs, limit, used, now}.
 */

/** Sets `now`: the injected clock's reading (last ARGV) or Redis's TIME. Shared with scripts.multi-window.lua.ts. */
export const NOW = `local now
if ARGV[#ARGV] ~= '' then now = tonumber(ARGV[#ARGV])
else local t = redis.call('TIME'); now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) end`;
export const PAUSED = `local paused = tonumber(redis.call('HGET', KEYS[1], 'pausedUntil') or '0')`;
export const slice = `local function slice(l) return math.max(1, math.floor(l * share)) end`;

/**
 * KEYS: state hash, admissions zset. ARGV: cost, default limit, span ms, share, ttl ms, lookback ms.
 * Admissions are kept `lookback` past the span: only SLIDING_OBSERVE counts those (see there).
 */
export const SLIDING_TAKE = `${NOW}
local cost, share, span, ttl, lookback = tonumber(ARGV[1]), tonumber(ARGV[4]), tonumber(ARGV[3]), tonumber(ARGV[5]), tonumber(ARGV[6])
${slice}
${PAUSED}
local limit = slice(tonumber(redis.call('HGET', KEYS[1], 'limit') or ARGV[2]))
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - span - lookback)
local lo = '(' .. (now - span)
local used = redis.call('ZCOUNT', KEYS[2], lo, '+inf')
if now < paused then return {0, paused - now, limit, used, now} end
local c = math.min(cost, limit)
if used + c <= limit then
  for i = 1, c do
    redis.call('ZADD', KEYS[2], now, redis.call('HINCRBY', KEYS[1], 'seq', 1))
  end
  redis.call('PEXPIRE', KEYS[2], (span + lookback) * 2)
  redis.call('PEXPIRE', KEYS[1], ttl)
  return {1, 0, limit, used + c, now}
end
local oldest = redis.call('ZRANGEBYSCORE', KEYS[2], lo, '+inf', 'WITHSCORES', 'LIMIT', used + c - limit - 1, 1)
return {0, math.max(1, tonumber(oldest[2]) + span - now), limit, used, now}`;

/**
 * KEYS: state hash, admissions zset. ARGV: header limit|'', header remaining|'', span ms, share,
 * ttl ms, default limit, lookback ms. Remaining was counted when the call reached the upstream,
 * up to a response time ago: our own admissions are counted over the span plus `lookback`, so a
 * slow answer is not mistaken for someone else's usage.
 */
export const SLIDING_OBSERVE = `${NOW}
local share, span, ttl = tonumber(ARGV[4]), tonumber(ARGV[3]), tonumber(ARGV[5])
${slice}
local before = tonumber(redis.call('HGET', KEYS[1], 'limit') or ARGV[6])
local limit = before
if ARGV[1] ~= '' and tonumber(ARGV[1]) >= 1 then
  limit = tonumber(ARGV[1])
  redis.call('HSET', KEYS[1], 'limit', limit)
  redis.call('PEXPIRE', KEYS[1], ttl)
end
if ARGV[2] ~= '' then
  local used = redis.call('ZCOUNT', KEYS[2], '(' .. (now - span - tonumber(ARGV[7])), '+inf')
  local foreign = 0
  if share < 1 then
    if tonumber(ARGV[2]) == 0 then foreign = slice(limit) - redis.call('ZCOUNT', KEYS[2], '(' .. (now - span), '+inf') end
  else
    foreign = limit - tonumber(ARGV[2]) - used
  end
  for i = 1, foreign do
    redis.call('ZADD', KEYS[2], now, redis.call('HINCRBY', KEYS[1], 'seq', 1))
  end
  if foreign > 0 then redis.call('PEXPIRE', KEYS[2], (span + tonumber(ARGV[7])) * 2) end
end
if limit > before then return 1 end
return 0`;

const ROLL = `
local function boundary(len) return (math.floor(now / len) + 1) * len end
local mReset = tonumber(redis.call('HGET', KEYS[1], 'mReset') or '0')
local dReset = tonumber(redis.call('HGET', KEYS[1], 'dReset') or '0')
local mUsed = tonumber(redis.call('HGET', KEYS[1], 'mUsed') or '0')
local dUsed = tonumber(redis.call('HGET', KEYS[1], 'dUsed') or '0')
if now >= mReset then mReset = boundary(minuteMs); mUsed = 0 end
if now >= dReset then dReset = boundary(dayMs); dUsed = 0 end`;

/** KEYS: state hash. ARGV: cost, default per minute, default per day, minute ms, day ms, margin ms, share. */
export const FIXED_TAKE = `${NOW}
local cost, minuteMs, dayMs, margin, share = tonumber(ARGV[1]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
${slice}
${PAUSED}
${ROLL}
local mLim = slice(tonumber(redis.call('HGET', KEYS[1], 'mLimit') or ARGV[2]))
local dLim = slice(tonumber(redis.call('HGET', KEYS[1], 'dLimit') or ARGV[3]))
redis.call('HSET', KEYS[1], 'mReset', mReset, 'dReset', dReset, 'mUsed', mUsed, 'dUsed', dUsed)
redis.call('PEXPIRE', KEYS[1], dayMs * 2)
if now < paused then return {0, paused - now, mLim, mUsed, now} end
local c = math.min(cost, mLim)
local wait = 0
if dUsed + c > dLim then wait = dReset - now
elseif mUsed + c > mLim or now >= mReset - margin then wait = mReset - now end
if wait > 0 then return {0, wait, mLim, mUsed, now} end
redis.call('HSET', KEYS[1], 'mUsed', mUsed + c, 'dUsed', dUsed + c)
return {1, 0, mLim, mUsed + c, now}`;

/**
 * KEYS: state hash. ARGV: day limit, day remaining, day reset, minute limit, minute remaining,
 * minute reset ('' when absent), minute ms, day ms, share, default per minute, default per day. Same rules as syncWindow in budget.memory.ts.
 */
export const FIXED_OBSERVE = `${NOW}
local minuteMs, dayMs, share = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
${ROLL}
local raised = 0
local function setLimit(field, v)
  if v ~= '' and tonumber(v) >= 1 then
    local old = tonumber(redis.call('HGET', KEYS[1], field) or '0')
    if old > 0 and tonumber(v) > old then raised = 1 end
    redis.call('HSET', KEYS[1], field, tonumber(v))
  end
end
setLimit('mLimit', ARGV[4])
setLimit('dLimit', ARGV[1])
local function sync(reset, used, limit, remaining, upReset)
  if remaining == '' then return reset, used end
  local upUsed
  if share < 1 then
    if tonumber(remaining) == 0 then upUsed = limit else upUsed = 0 end
  else
    upUsed = limit - tonumber(remaining)
  end
  if upReset == '' or math.abs(tonumber(upReset) - reset) < 1000 then return reset, math.max(used, upUsed) end
  if tonumber(upReset) > reset then return tonumber(upReset), math.max(0, upUsed) end
  return reset, used
end
local mLimit = tonumber(redis.call('HGET', KEYS[1], 'mLimit') or ARGV[10])
local dLimit = tonumber(redis.call('HGET', KEYS[1], 'dLimit') or ARGV[11])
mReset, mUsed = sync(mReset, mUsed, mLimit, ARGV[5], ARGV[6])
dReset, dUsed = sync(dReset, dUsed, dLimit, ARGV[2], ARGV[3])
redis.call('HSET', KEYS[1], 'mReset', mReset, 'dReset', dReset, 'mUsed', mUsed, 'dUsed', dUsed)
redis.call('PEXPIRE', KEYS[1], dayMs * 2)
return raised`;

const REFILL = `
local size = tonumber(redis.call('HGET', KEYS[1], 'size') or ARGV[2]) * share
local rate = tonumber(redis.call('HGET', KEYS[1], 'rate') or ARGV[3]) * share
local avail = tonumber(redis.call('HGET', KEYS[1], 'avail') or tostring(size))
local at = tonumber(redis.call('HGET', KEYS[1], 'at') or tostring(now))
local pending = tonumber(redis.call('HGET', KEYS[1], 'pending') or '0')
if now - at > 30000 then pending = 0 end
avail = math.min(size, avail + (now - at) * rate / 1000)`;

/** KEYS: state hash. ARGV: cost, default size, default restore/s, share. */
export const BUCKET_TAKE = `${NOW}
local cost, share = tonumber(ARGV[1]), tonumber(ARGV[4])
${PAUSED}
${REFILL}
local granted = 0
local wait = 0
local c = math.min(cost, size)
if now < paused then wait = paused - now
elseif avail >= c then avail = avail - c; pending = pending + c; granted = 1
else wait = math.max(1, math.ceil((c - avail) * 1000 / rate)) end
redis.call('HSET', KEYS[1], 'avail', avail, 'at', now, 'pending', pending)
redis.call('PEXPIRE', KEYS[1], 600000)
return {granted, wait, math.floor(size), math.ceil(size - avail), now}`;

/** KEYS: state hash. ARGV: requested, default size, default restore/s, share, size, available, restore/s. */
export const BUCKET_OBSERVE = `${NOW}
local share = tonumber(ARGV[4])
${REFILL}
size = tonumber(ARGV[5]) * share
pending = math.max(0, pending - tonumber(ARGV[1]))
avail = math.min(size, math.max(0, tonumber(ARGV[6]) * share - pending))
redis.call('HSET', KEYS[1], 'size', ARGV[5], 'rate', ARGV[7], 'avail', avail, 'at', now, 'pending', pending)
redis.call('PEXPIRE', KEYS[1], 600000)
return 1`;

/** KEYS: state hash. ARGV: pause ms (from Redis's clock, like every window). Keeps the later of two pauses. */
export const PAUSE = `${NOW}
local untilMs = now + tonumber(ARGV[1])
local cur = tonumber(redis.call('HGET', KEYS[1], 'pausedUntil') or '0')
if untilMs > cur then redis.call('HSET', KEYS[1], 'pausedUntil', untilMs) end
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) + 1000 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + 60000) end
return 1`;
