import { parseFeedback } from '../../src/datasources/upstream/governor/feedback';
import { LIGHTSPEED_ECOM_WINDOWS, lightspeedEcomModel, lightspeedRetailXModel, shortenWindows } from '../../src/datasources/upstream/governor';
import type { ResponseFeedback } from '../../src/datasources/upstream/governor/governor.types';

/** Lightspeed's multi-value headers, read position by position into the model's windows. */
const ecom = lightspeedEcomModel();
const parse = (status: number, headers: ResponseFeedback['headers']) => parseFeedback(ecom, { status, headers }).windows;

test("eCom's '/'-separated triple maps to the 5-minute, hour and day windows; the per-second window has no value", () => {
  expect(parse(200, { 'x-ratelimit-limit': '300/3000/12000', 'x-ratelimit-remaining': '299/2999/11999', 'x-ratelimit-reset': '263/2063/23663' })).toEqual([
    { limit: 300, remaining: 299 },
    { limit: 3000, remaining: 2999 },
    { limit: 12000, remaining: 11999 },
    { limit: undefined, remaining: undefined },
  ]);
});

test("',' separates too; a mangled value is dropped at its place only", () => {
  expect(parse(200, { 'x-ratelimit-limit': '300, 3000,12000', 'x-ratelimit-remaining': '12/abc/-1' })?.slice(0, 3)).toEqual([
    { limit: 300, remaining: 12 },
    { limit: 3000, remaining: undefined },
    { limit: 12000, remaining: undefined },
  ]);
});

test('a 429 without Retry-After keeps the window the answer shows at 0, or else books the shortest full', () => {
  expect(parse(429, { 'x-ratelimit-remaining': '0/2000/9000' })?.map((w) => w.remaining)).toEqual([0, 2000, 9000, undefined]);
  expect(parse(429, {})?.map((w) => w.remaining)).toEqual([undefined, undefined, undefined, 0]);
});

test('a 429 with Retry-After (seconds or an HTTP date) books no Remaining: the pause rules; limits are still read', () => {
  for (const retryAfter of ['3', 'Wed, 15 Jul 2030 15:04:05 GMT']) {
    const w = parse(429, { 'retry-after': retryAfter, 'x-ratelimit-limit': '300/3000/12000', 'x-ratelimit-remaining': '0/0/0' });
    expect(w?.map((x) => x.remaining)).toEqual([undefined, undefined, undefined, undefined]);
    expect(w?.[0].limit).toBe(300);
  }
});

test('Retail X-Series: one window of 300 x registers + 50 per 5 minutes, its single-value headers', () => {
  const x = lightspeedRetailXModel(3);
  expect(x).toEqual({ kind: 'multi-window', windows: [{ limit: 950, windowMs: 300_000 }] });
  expect(parseFeedback(x, { status: 200, headers: { 'x-ratelimit-limit': '950', 'x-ratelimit-remaining': '12' } }).windows).toEqual([
    { limit: 950, remaining: 12 },
  ]);
  expect(() => lightspeedRetailXModel(0)).toThrow(/registers must be an integer >= 1, got 0/);
});

test('shortenWindows keeps the limits and divides the lengths (for benches and sandboxes with short windows)', () => {
  expect(shortenWindows(lightspeedEcomModel(), 60).windows.map((w) => [w.limit, w.windowMs])).toEqual([
    [300, 5_000],
    [3_000, 60_000],
    [12_000, 1_440_000],
    [20, 17],
  ]);
  expect(LIGHTSPEED_ECOM_WINDOWS.map((w) => w.limit)).toEqual([300, 3_000, 12_000, 20]);
});
