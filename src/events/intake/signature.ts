import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time check of a base64 HMAC-SHA256 of `raw` (how Picqer and Shopify both sign a
 * delivery). Both sides are 32-byte digests before `timingSafeEqual`, so neither the length nor
 * the content of the header leaks through timing.
 */
export function verifyBase64Hmac(raw: Buffer, secret: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  const given = Buffer.from(header.trim(), 'base64');
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}
