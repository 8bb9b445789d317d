import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CODES, HTTP_ERROR_CODES, RateLimitedError, UpstreamError, upstreamStatusError } from '../src/errors';

/** The error codes clients rely on are one table in README.md; this keeps code and table in step. */
it('documents every error code in the README table, and no other', () => {
  const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('### Error codes'), readme.indexOf('GraphQL over HTTP:'));
  const documented = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
  expect(documented.sort()).toEqual([...ERROR_CODES].sort());
});

it('documents every HTTP-level error code in the README table, and no other', () => {
  const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('GraphQL over HTTP:'), readme.indexOf('## Limits'));
  const documented = [...table.matchAll(/^\| \d{3} \| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
  expect(documented.sort()).toEqual([...HTTP_ERROR_CODES].sort());
});

it('maps an upstream status to one error with a stable code, never the body', () => {
  const e = upstreamStatusError('picqer', 503);
  expect(e).toBeInstanceOf(UpstreamError);
  expect(e.extensions).toEqual({ code: 'UPSTREAM_ERROR', upstream: 'picqer', status: 503 });
  const limited = upstreamStatusError('shopify', 429, 2500);
  expect(limited).toBeInstanceOf(RateLimitedError);
  expect(limited.extensions).toEqual({ code: 'RATE_LIMITED', upstream: 'shopify', retryAfterMs: 2500 });
});
