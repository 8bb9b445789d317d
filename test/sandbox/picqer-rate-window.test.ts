import { SlidingWindowRateLimiter } from '../../src/sandbox/picqer/rate-limiter';

/** The Picqer sandbox's limit and its `maxInWindow` figure, on a clock moved by hand. */
it('maxInWindow counts only what was served after a reset, even in the reset millisecond', () => {
  let t = 1_000_000;
  const limiter = new SlidingWindowRateLimiter(10, 60_000, () => t);
  for (let i = 0; i < 4; i++) expect(limiter.take('k').allowed).toBe(true);
  expect(limiter.maxInWindow).toBe(4);
  limiter.resetStats(); // same millisecond as the four above
  for (let i = 0; i < 3; i++) limiter.take('k');
  expect(limiter.maxInWindow).toBe(3);
  // The reset does not refill the budget: 7 served in the window, 3 left.
  t += 1;
  const d = limiter.take('k');
  expect(d).toMatchObject({ allowed: true, remaining: 2 });
  expect(limiter.maxInWindow).toBe(4);
});

it('maxInWindow is the most served inside any one window since the reset', () => {
  let t = 0;
  const limiter = new SlidingWindowRateLimiter(100, 1000, () => t);
  for (let i = 0; i < 5; i++) limiter.take('a');
  t = 999;
  for (let i = 0; i < 2; i++) limiter.take('a');
  expect(limiter.maxInWindow).toBe(7);
  t = 1000; // the first five leave the window
  limiter.take('a');
  expect(limiter.maxInWindow).toBe(7);
  limiter.take('b');
  expect(limiter.maxInWindow).toBe(7);
});
