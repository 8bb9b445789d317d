import { createHash } from 'node:crypto';
import type { Upstream } from '../../../errors';

/**
 * The namespace of one upstream credential: the upstream and a hash of what identifies the account
 * (never the credential itself), so two accounts behind one gateway never share an entry.
 */
export function cacheNamespace(upstream: Upstream, identity: readonly string[]): string {
  return `${upstream}:${createHash('sha256').update(identity.join('\0')).digest('hex').slice(0, 16)}`;
}
