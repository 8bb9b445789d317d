/**
 * Lua run inside Redis for the entity cache, so that a marker check and the write it allows (or a
 * write and its marker) are one atomic step for every replica: a fill can then never land between
 * a webhook's write and its marker. Time comes from the caller (the store's clock), never from
 * Redis's TIME: markers are compared with `startedAt`, which the read-through layer took from the
 * same clock.
 *
 * Keys come in pairs, entry then marker, one pair per key. An entry's value is `${at}|${data}`.
 */

/**
 * Sets a marker to `now` (ARGV[1], written as given: a Lua number would be printed with 14
 * digits) unless it already holds a later time, for ARGV[2] ms.
 */
const MARK = `local function mark(key)
  local cur = tonumber(redis.call('GET', key) or '')
  if cur and cur > tonumber(ARGV[1]) then redis.call('PEXPIRE', key, ARGV[2])
  else redis.call('SET', key, ARGV[1], 'PX', ARGV[2]) end
end`;

/**
 * KEYS: entry, marker per write. ARGV: startedAt, then value and ttl ms per write. Skips a write
 * whose marker is at or after startedAt. Returns 1 (stored) or 0 (skipped) per write.
 */
export const CACHE_FILL = `local startedAt = tonumber(ARGV[1])
local stored = {}
for i = 1, #KEYS / 2 do
  local changed = tonumber(redis.call('GET', KEYS[2 * i]) or '')
  stored[i] = 0
  if not changed or changed < startedAt then
    redis.call('SET', KEYS[2 * i - 1], ARGV[2 * i], 'PX', ARGV[2 * i + 1])
    stored[i] = 1
  end
end
return stored`;

/** KEYS: entry, marker per write. ARGV: now, marker ttl ms, then value and ttl ms per write. */
export const CACHE_PUT = `${MARK}
for i = 1, #KEYS / 2 do
  mark(KEYS[2 * i])
  redis.call('SET', KEYS[2 * i - 1], ARGV[2 * i + 1], 'PX', ARGV[2 * i + 2])
end
return #KEYS / 2`;

/**
 * KEYS: entry, marker. ARGV: now, marker ttl ms, the entry expected ('' for none), value, ttl ms,
 * '1' to drop a moved-on entry ('0' to keep it). Writes (and marks) only when the entry is the one
 * expected; returns 1 when it wrote, else 0. With '1' (a new value whose append follows, see
 * EntityCacheStore.replace): an entry whose data is the one expected, only its time moved, is
 * written all the same; one already holding the data to write is kept (1); any other is dropped
 * and marked (0).
 */
export const CACHE_REPLACE = `${MARK}
local cur = redis.call('GET', KEYS[1]) or ''
if cur ~= ARGV[3] then
  if ARGV[6] ~= '1' then return 0 end
  local function data(v)
    local i = string.find(v, '|', 1, true)
    return i and string.sub(v, i + 1)
  end
  local held = cur ~= '' and data(cur)
  if held and held == data(ARGV[4]) then return 1 end
  if not (held and ARGV[3] ~= '' and held == data(ARGV[3])) then
    mark(KEYS[2])
    redis.call('DEL', KEYS[1])
    return 0
  end
end
mark(KEYS[2])
redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
return 1`;

/** KEYS: entry, marker per key. ARGV: now, marker ttl ms. */
export const CACHE_INVALIDATE = `${MARK}
for i = 1, #KEYS / 2 do
  mark(KEYS[2 * i])
  redis.call('DEL', KEYS[2 * i - 1])
end
return #KEYS / 2`;

/** KEYS: lock keys. ARGV: the store's token. Deletes only the locks this store holds. */
export const CACHE_UNLOCK = `local released = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('DEL', KEYS[i])
    released = released + 1
  end
end
return released`;
