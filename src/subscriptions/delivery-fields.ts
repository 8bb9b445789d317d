import { MalformedDeliveryError } from './webhook-route';

/**
 * Small field readers for delivery validation. Each names the path and the expected type in its
 * 400 message, never the value (it may be a customer's name).
 */

export function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new MalformedDeliveryError(`${path} must be an object.`);
  return v as Record<string, unknown>;
}

export function int(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new MalformedDeliveryError(`${path} must be a whole number.`);
  return v;
}

/** Picqer sends some quantities as numbers that may be fractional (unit products); round for Int fields. */
export function qty(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new MalformedDeliveryError(`${path} must be a number.`);
  return Math.round(v);
}

export function optInt(v: unknown, path: string): number | null {
  return v === null || v === undefined ? null : int(v, path);
}

export function str(v: unknown, path: string, maxLength = 200): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > maxLength) {
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

export function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new MalformedDeliveryError('The body is not valid JSON.');
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Picqer writes times as "YYYY-MM-DD HH:mm:ss" without a zone, in the account's local time
 * (UNCONFIRMED; configurable, default Europe/Amsterdam). Returns ISO 8601 UTC, or null when the
 * text is not a time. Text that already carries a zone or offset is taken as is.
 */
export function toIsoTime(v: unknown, timeZone: string): string | null {
  if (typeof v !== 'string' || v === '') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(v);
  if (!m) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : new Date(t).toISOString();
  }
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  // Two passes settle the offset across a DST change.
  let t = asUtc - zoneOffsetMs(asUtc, timeZone);
  t = asUtc - zoneOffsetMs(t, timeZone);
  return new Date(t).toISOString();
}

function zoneOffsetMs(t: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return wall - Math.floor(t / 1000) * 1000;
}
