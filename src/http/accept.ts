import { LRUCache } from 'lru-cache';

/**
 * Content negotiation for /graphql, decided before anything runs. Apollo Server picks the
 * response type only after executing the operation, so a request it then answers 406 would
 * already have run (a mutation would have changed the upstream). This check refuses such a
 * request up front; it accepts exactly what Apollo accepts for a single result (the media types
 * below, matched the way the `negotiator` package Apollo uses matches them: the most specific
 * range that fits decides the quality, parameters must agree), so whatever passes here, Apollo
 * can answer.
 */

/** What Apollo answers a single result with: application/json, graphql-response+json, or its callback variant. */
const PRODUCED: ReadonlyArray<MediaRange> = [
  { type: 'application', subtype: 'json', params: { charset: 'utf-8' }, q: 1 },
  { type: 'application', subtype: 'graphql-response+json', params: { charset: 'utf-8' }, q: 1 },
  { type: 'application', subtype: 'json', params: { callbackspec: '1.0' }, q: 1 },
];

interface MediaRange {
  type: string;
  subtype: string;
  /** Parameter names lower-cased, without q. */
  params: Record<string, string>;
  q: number;
}

/**
 * True when the `Accept` header lets the gateway answer with a GraphQL JSON response. No header
 * (or an empty one) accepts anything, as in Apollo.
 */
export function acceptsGraphqlResponse(accept: string | undefined): boolean {
  if (!accept) return true;
  const known = decided.get(accept);
  if (known !== undefined) return known;
  const ranges = parseAccept(accept);
  const ok = PRODUCED.some((produced) => quality(produced, ranges) > 0);
  if (accept.length <= MAX_REMEMBERED_LENGTH) decided.set(accept, ok);
  return ok;
}

/**
 * Answers by header text: a client sends the same Accept header on every request, and parsing it
 * showed in the gateway's CPU profile. Bounded in count and in the length of a remembered header.
 */
const decided = new LRUCache<string, boolean>({ max: 256 });
const MAX_REMEMBERED_LENGTH = 512;

/** The quality the client gives `produced`: that of the most specific range matching it, 0 if none. */
function quality(produced: MediaRange, ranges: MediaRange[]): number {
  let best = { s: -1, q: 0 };
  for (const r of ranges) {
    let s = 0;
    if (r.type === produced.type) s |= 4;
    else if (r.type !== '*') continue;
    if (r.subtype === produced.subtype) s |= 2;
    else if (r.subtype !== '*') continue;
    const keys = Object.keys(r.params);
    if (keys.length > 0) {
      if (!keys.every((k) => r.params[k] === '*' || r.params[k] === (produced.params[k] ?? ''))) continue;
      s |= 1;
    }
    if (s > best.s || (s === best.s && r.q > best.q)) best = { s, q: r.q };
  }
  return best.q;
}

/** `type/subtype;p=v;q=0.5, …`; ranges without a slash are ignored, as negotiator does. */
function parseAccept(header: string): MediaRange[] {
  const out: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [range, ...rawParams] = part.split(';');
    const slash = range.indexOf('/');
    if (slash === -1) continue;
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of rawParams) {
      const eq = p.indexOf('=');
      if (eq === -1) continue;
      const key = p.slice(0, eq).trim().toLowerCase();
      const value = p
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
      // A quality that is not a number (q=abc) is no quality at all: NaN > 0 is false.
      if (key === 'q') q = parseFloat(value);
      else params[key] = value;
    }
    out.push({
      type: range.slice(0, slash).trim().toLowerCase(),
      subtype: range
        .slice(slash + 1)
        .trim()
        .toLowerCase(),
      params,
      q,
    });
  }
  return out;
}
