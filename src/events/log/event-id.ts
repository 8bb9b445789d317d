/**
 * Event ids are Redis stream ids, "<milliseconds>-<sequence>", in both log implementations, so
 * a client's `after` cursor means the same thing whichever log a deployment runs.
 */

const ID_PATTERN = /^(\d{1,15})-(\d{1,15})$/;

/** The id before every real id: `after: "0-0"` replays the whole retained log. */
export const ZERO_ID = '0-0';

/** True when `value` is a well-formed event id. */
export function isEventId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/** Splits an id into its two numbers; throws on a malformed id (callers validate user input first). */
export function parseEventId(id: string): [ms: number, seq: number] {
  const m = ID_PATTERN.exec(id);
  if (!m) throw new TypeError(`Expected an event id like "1767225600000-0", got ${JSON.stringify(id).slice(0, 40)}.`);
  return [Number(m[1]), Number(m[2])];
}

/** Orders two ids: negative when a < b, 0 when equal, positive when a > b. */
export function compareEventIds(a: string, b: string): number {
  const [am, as] = parseEventId(a);
  const [bm, bs] = parseEventId(b);
  return am !== bm ? am - bm : as - bs;
}
