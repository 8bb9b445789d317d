import type { CacheWrite } from './cache.types';

/**
 * The checks every store makes the same way, so the memory, Redis and fallback stores reject the
 * same misuse with the same message (and the fallback rejects it before Redis is asked: a bad
 * argument is the caller's error, never a reason to leave Redis).
 */

/** How long a "changed" marker lives by default: longer than any upstream fetch takes. */
export const DEFAULT_MARKER_TTL_MS = 60_000;

/** Appends a problem when `value` is set and is not a finite number >= `min`; returns it or `dflt`. */
export function numberOption(problems: string[], name: string, value: number | undefined, dflt: number, min = 1): number {
  if (value === undefined) return dflt;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) problems.push(`${name} must be a finite number >= ${min}, got ${String(value)}`);
  return value;
}

/** Appends a problem when `value` is set and is not a function (a clock). */
export function clockOption(problems: string[], name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') problems.push(`${name} must be a function returning epoch ms, got ${typeof value}`);
}

/**
 * Rejects a write whose ttl would keep it forever or fail in Redis (PX 0). lru-cache reads a ttl
 * of 0 as "never expires": an unchecked 0 would grow the memory store's oldest entries for good.
 */
export function checkWrites(method: string, writes: readonly CacheWrite[]): void {
  for (const w of writes) {
    if (!(Number.isFinite(w.ttlMs) && w.ttlMs > 0))
      throw new RangeError(`${method}: CacheWrite.ttlMs must be a finite number > 0, got ${w.ttlMs} for key "${w.key}"`);
    if (!Number.isFinite(w.at)) throw new RangeError(`${method}: CacheWrite.at must be epoch ms, got ${w.at} for key "${w.key}"`);
  }
}

export function checkLockTtl(ttlMs: number): void {
  if (!(Number.isFinite(ttlMs) && ttlMs > 0)) throw new RangeError(`tryLock: ttlMs must be a finite number > 0, got ${ttlMs}`);
}

/**
 * Whether a fill must be dropped whole because its fetch began a marker's lifetime ago or
 * earlier: a key changed just after `startedAt` may have lost its marker by now, so nothing
 * proves the answer is still newer than every event. Dropping costs one more miss, never a
 * stale entry.
 */
export function fillTooOld(startedAt: number, now: number, markerTtlMs: number): boolean {
  return now - startedAt >= markerTtlMs;
}
