import { NOW, PAUSED, slice } from './scripts.lua';

/**
 * The multi-window model (Lightspeed) in Redis: one admissions zset per window, all under the
 * credential's hash tag, and the header-synced limits in the state hash as `limit:<windowMs>`.
 * Check and booking across every window are one script, so no replica can slip a call into one
 * window between another replica's check of it and its booking. Same algorithm, step for step,
 * as budget.multi-window.ts. Conventions (clock as last ARGV, integer replies) as scripts.lua.ts.
 *
 * Zset members are `<now>-<seq>`: a day window keeps its zset for two days, longer than the state
 * hash (and its `seq`) lives when idle, and a reused member would move an old admission, not add one.
 */

/** The lookback of budget.multi-window.ts's windowLookbackMs, per window. */
const WINDOWS = `
local n = #KEYS - 1
local function lookback(len) return math.min(len, 10000) end`;

/**
 * KEYS: state hash, then one admissions zset per window. ARGV: cost, share, margin ms, state ttl
 * ms, then per window: window ms, default limit. Reply: {granted, waitMs, limit, used, now} for
 * the window closest to full, then limit, used of every window in order.
 */
export const MULTI_TAKE = `${NOW}
local cost, share, margin, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
${slice}
${PAUSED}
${WINDOWS}
local lims, useds, spans = {}, {}, {}
local c = cost
for i = 1, n do
  local len = tonumber(ARGV[3 + 2 * i])
  spans[i] = len + margin
  lims[i] = slice(tonumber(redis.call('HGET', KEYS[1], 'limit:' .. len) or ARGV[4 + 2 * i]))
  redis.call('ZREMRANGEBYSCORE', KEYS[i + 1], '-inf', now - spans[i] - lookback(len))
  useds[i] = redis.call('ZCOUNT', KEYS[i + 1], '(' .. (now - spans[i]), '+inf')
  c = math.min(c, lims[i])
end
local function reply(granted, wait)
  local best = 1
  local r = {granted, wait, 0, 0, now}
  for i = 1, n do
    if useds[i] * lims[best] > useds[best] * lims[i] then best = i end
    r[#r + 1] = lims[i]
    r[#r + 1] = useds[i]
  end
  r[3] = lims[best]
  r[4] = useds[best]
  return r
end
if now < paused then return reply(0, paused - now) end
local wait = 0
for i = 1, n do
  if useds[i] + c > lims[i] then
    local oldest = redis.call('ZRANGEBYSCORE', KEYS[i + 1], '(' .. (now - spans[i]), '+inf', 'WITHSCORES', 'LIMIT', useds[i] + c - lims[i] - 1, 1)
    wait = math.max(wait, math.max(1, tonumber(oldest[2]) + spans[i] - now))
  end
end
if wait > 0 then return reply(0, wait) end
for k = 1, c do
  local member = now .. '-' .. redis.call('HINCRBY', KEYS[1], 'seq', 1)
  for i = 1, n do redis.call('ZADD', KEYS[i + 1], now, member) end
end
for i = 1, n do
  useds[i] = useds[i] + c
  redis.call('PEXPIRE', KEYS[i + 1], (spans[i] + lookback(spans[i] - margin)) * 2)
end
redis.call('PEXPIRE', KEYS[1], ttl)
return reply(1, 0)`;

/**
 * KEYS: as MULTI_TAKE. ARGV: share, margin ms, state ttl ms, then per window: window ms, default
 * limit, header limit|'', header remaining|''. Returns 1 when a limit was raised. Remaining below
 * what we admitted (over the span plus the lookback, for a slow answer) is booked as foreign usage.
 */
export const MULTI_OBSERVE = `${NOW}
local share, margin, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
${slice}
${WINDOWS}
local raised = 0
for i = 1, n do
  local a = 4 * i
  local len = tonumber(ARGV[a])
  local span = len + margin
  local field = 'limit:' .. len
  local limit = tonumber(redis.call('HGET', KEYS[1], field) or ARGV[a + 1])
  if ARGV[a + 2] ~= '' and tonumber(ARGV[a + 2]) >= 1 then
    if tonumber(ARGV[a + 2]) > limit then raised = 1 end
    limit = tonumber(ARGV[a + 2])
    redis.call('HSET', KEYS[1], field, limit)
    redis.call('PEXPIRE', KEYS[1], ttl)
  end
  if ARGV[a + 3] ~= '' then
    local remaining = tonumber(ARGV[a + 3])
    local foreign = 0
    if share < 1 then
      if remaining == 0 then foreign = slice(limit) - redis.call('ZCOUNT', KEYS[i + 1], '(' .. (now - span), '+inf') end
    else
      foreign = limit - remaining - redis.call('ZCOUNT', KEYS[i + 1], '(' .. (now - span - lookback(len)), '+inf')
    end
    for k = 1, foreign do
      redis.call('ZADD', KEYS[i + 1], now, now .. '-' .. redis.call('HINCRBY', KEYS[1], 'seq', 1))
    end
    if foreign > 0 then
      redis.call('PEXPIRE', KEYS[i + 1], (span + lookback(len)) * 2)
      if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
    end
  end
end
return raised`;
