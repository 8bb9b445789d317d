import { MalformedDeliveryError } from './webhook-route';

/**
 * Small field readers for delivery validation. Each names the path and the rule in its 400
 * message, never the value (it may be a customer's name, or 100 KB of anything).
 *
 * Numbers are checked against what they become: every quantity and id a subscriber sees is a
 * GraphQL `Int`, a signed 32-bit integer. A delivery with a number outside that range used to be
 * stored and then failed for every subscriber ("Int cannot represent…"); now it is refused with a
 * 400 before anything is stored, and the sender sees why.
 */

/** GraphQL's Int bounds (the spec's signed 32-bit range). */
export const INT_MIN = -(2 ** 31);
export const INT_MAX = 2 ** 31 - 1;

export function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new MalformedDeliveryError(`${path} must be an object.`);
  return v as Record<string, unknown>;
}

/** A list of at most `maxItems` entries. */
export function list(v: unknown, path: string, maxItems: number): unknown[] {
  if (!Array.isArray(v) || v.length > maxItems) throw new MalformedDeliveryError(`${path} must be an array of at most ${maxItems} entries.`);
  return v;
}

/** A whole number within [min, max] (default: GraphQL Int's range). */
export function int(v: unknown, path: string, min = INT_MIN, max = INT_MAX): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new MalformedDeliveryError(rangeMessage(path, 'a whole number', min, max));
  return v;
}

/** An upstream id: a whole number from 1 to GraphQL Int's maximum. */
export function id(v: unknown, path: string): number {
  return int(v, path, 1, INT_MAX);
}

export function optId(v: unknown, path: string): number | null {
  return v === null || v === undefined ? null : id(v, path);
}

/**
 * A quantity. Picqer may send fractional amounts for products sold by unit (UNCONFIRMED), so a
 * finite number is rounded for the Int field; the rounded value must still fit [min, INT_MAX].
 */
export function qty(v: unknown, path: string, min = INT_MIN): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new MalformedDeliveryError(rangeMessage(path, 'a number', min, INT_MAX));
  const n = Math.round(v);
  if (n < min || n > INT_MAX) throw new MalformedDeliveryError(rangeMessage(path, 'a number', min, INT_MAX));
  return n;
}

export function str(v: unknown, path: string, maxLength = 200): string {
  if (typeof v !== 'string' || v.trim().length === 0 || v.length > maxLength) {
    throw new MalformedDeliveryError(`${path} must be a non-empty string of at most ${maxLength} characters.`);
  }
  return v;
}

export function oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new MalformedDeliveryError(`${path} must be one of ${allowed.join(', ')}.`);
  }
  return v as T;
}

/**
 * An optional time: absent or null gives null; anything else must be a time `toIsoTime` reads,
 * else 400 (a subscriber's DateTime field cannot carry an unreadable one either).
 */
export function optTime(v: unknown, path: string, timeZone: string): string | null {
  if (v === null || v === undefined) return null;
  const iso = typeof v === 'string' && v.length <= MAX_TIME_LENGTH ? toIsoTime(v, timeZone) : null;
  if (iso === null) throw new MalformedDeliveryError(`${path} must be a time "YYYY-MM-DD HH:mm:ss" or ISO 8601 with a zone, between the years 1970 and 9999.`);
  return iso;
}

export function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new MalformedDeliveryError('The body is not valid JSON.');
  }
}

function rangeMessage(path: string, what: string, min: number, max: number): string {
  return `${path} must be ${what} from ${min} to ${max}.`;
}

/** Longest time text read: "2026-01-13T09:46:30.123456+01:00" is 32 characters. */
const MAX_TIME_LENGTH = 40;
const ZONELESS = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;
/** ISO 8601 / RFC 3339 with a zone: Shopify's "2023-01-03T12:21:36-05:00", or "…Z". */
const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** Years a DateTime scalar serialises without surprises (toISOString goes to ±YYYYYY beyond). */
const MIN_TIME = Date.UTC(1970, 0, 1);
const MAX_TIME = Date.UTC(10000, 0, 1) - 1;

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Reads a delivery time into ISO 8601 UTC, or null when the text is not a time.
 *
 * Zone-less "YYYY-MM-DD HH:mm:ss" (Picqer's format) is wall-clock time in `timeZone`: Picqer does
 * not document the zone of its timestamps; its examples are local Dutch times (UNCONFIRMED, so
 * configurable; default Europe/Amsterdam, see src/sandbox/README.md). In the hour a DST change
 * repeats, such a time is ambiguous; the standard-time (later) reading is taken. Text with a zone
 * or offset is taken as it says.
 */
export function toIsoTime(v: unknown, timeZone: string): string | null {
  if (typeof v !== 'string' || v === '') return null;
  const m = ZONELESS.exec(v);
  let t: number;
  if (m) {
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
    // Date.UTC would roll "2026-02-31 25:61:00" over into March; a delivery that says so is wrong.
    if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return null;
    const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
    // Two passes settle the offset across a DST change.
    t = asUtc - zoneOffsetMs(asUtc, timeZone);
    t = asUtc - zoneOffsetMs(t, timeZone);
  } else {
    if (!ZONED.test(v)) return null;
    t = Date.parse(v);
  }
  return Number.isNaN(t) || t < MIN_TIME || t > MAX_TIME ? null : new Date(t).toISOString();
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function zoneOffsetMs(t: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return wall - Math.floor(t / 1000) * 1000;
}
