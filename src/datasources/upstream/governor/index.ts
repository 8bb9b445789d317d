// PLACEHOLDER until the governor lands: admits every call at once. Replaced by the real governor.
import { createHash } from 'node:crypto';
import type { Upstream } from '../../../errors';
import type { BudgetModel, Governor, GovernorRegistry, GovernorStats } from '../governor.types';

export interface GovernorRegistryOptions {
  redisUrl?: string;
  keyPrefix: string;
  logger?: { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
}

export function createGovernorRegistry(_opts: GovernorRegistryOptions): GovernorRegistry {
  const govs = new Map<string, Governor>();
  return {
    governor(upstream: Upstream, credential: string, model: BudgetModel): Governor {
      const id = createHash('sha256').update(credential).digest('hex').slice(0, 12);
      const key = `${upstream}:${id}`;
      let g = govs.get(key);
      if (!g) {
        const stats: GovernorStats = {
          upstream, credential: id, mode: 'memory', limit: model.kind === 'cost-bucket' ? model.size : model.kind === 'requests-per-minute' ? model.limit : model.perMinute,
          used: 0, queued: 0, waitedMsTotal: 0, upstream429: 0, rateLimited: 0, calls: 0,
        };
        g = {
          upstream,
          async acquire() { stats.calls++; return { waitedMs: 0 }; },
          observe(fb) { if (fb.status === 429) stats.upstream429++; },
          pause() {},
          stats: () => ({ ...stats }),
          async close() {},
        };
        govs.set(key, g);
      }
      return g;
    },
    stats: () => [...govs.values()].map((g) => g.stats()),
    async close() {},
  };
}
