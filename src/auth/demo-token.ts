import { randomBytes } from 'node:crypto';
import { SCOPES } from './scopes';
import { sha256Hex, type TokenEntry } from './tokens';

/**
 * A fresh token with every scope for sandbox mode: printed once on start and pre-filled in
 * GraphiQL, so a newcomer has a working header without configuring anything. It lives only for
 * the process (a new one each start) and the sandbox holds invented data only.
 */
export function createDemoToken(name = 'sandbox-demo'): { token: string; entry: TokenEntry } {
  const token = `pgw_demo_${randomBytes(18).toString('base64url')}`;
  return { token, entry: { name, scopes: [...SCOPES], sha256: sha256Hex(token) } };
}
