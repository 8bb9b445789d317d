import type { CacheType } from '../../../config/cache-config';
import type { Upstream } from '../../../errors';
import type { CacheCounts, ReadRequest } from './entity-cache.types';

/** An entry's key in the store: its namespace (upstream and credential), type and id. */
export function storeKey(namespace: string, type: CacheType, id: string): string {
  return `${namespace}:${type}:${id}`;
}

/**
 * The store keys of reads' keys. A hot key is read by every request: the string made for it the
 * first time is used again (its hash is kept with it), where making it anew each time, and
 * hashing it in the store's map and the decode memo, was a measurable part of a cached page's
 * reads (test/cache/entity-cache.test.ts; README, Benchmarks). A type's `id` must name a key the
 * same way on every read (it does: one function per type). Bounded per namespace and type (~60
 * bytes a name): past `max` they start again from empty.
 */
export class StoreKeyNames {
  private readonly names = new Map<string, Map<CacheType, Map<unknown, string>>>();

  constructor(private readonly max: number) {}

  of<K>(req: ReadRequest<K, unknown>): string[] {
    let byType = this.names.get(req.namespace);
    if (!byType) this.names.set(req.namespace, (byType = new Map<CacheType, Map<unknown, string>>()));
    let names = byType.get(req.type) as Map<K, string> | undefined;
    if (!names || names.size + req.keys.length > this.max) byType.set(req.type, (names = new Map<K, string>()));
    const out = new Array<string>(req.keys.length);
    for (let i = 0; i < req.keys.length; i++) {
      const k = req.keys[i];
      let name = names.get(k);
      if (name === undefined) names.set(k, (name = storeKey(req.namespace, req.type, req.id(k))));
      out[i] = name;
    }
    return out;
  }
}

/** Running totals by "upstream:type", for /metrics; found on every read without making that name. */
export class CacheTotals {
  private readonly byName = new Map<string, CacheCounts>();
  private readonly byUpstream = new Map<Upstream, Map<CacheType, CacheCounts>>();

  add(upstream: Upstream, type: CacheType, add: Partial<CacheCounts>): void {
    let byType = this.byUpstream.get(upstream);
    if (!byType) this.byUpstream.set(upstream, (byType = new Map<CacheType, CacheCounts>()));
    let c = byType.get(type);
    if (!c) {
      c = { hits: 0, misses: 0, stale: 0, staleOnError: 0, invalidations: 0, writes: 0 };
      byType.set(type, c);
      this.byName.set(`${upstream}:${type}`, c);
    }
    // Named rather than a loop over Object.entries: every read counts, and that made two arrays a read.
    c.hits += add.hits ?? 0;
    c.misses += add.misses ?? 0;
    c.stale += add.stale ?? 0;
    c.staleOnError += add.staleOnError ?? 0;
    c.invalidations += add.invalidations ?? 0;
    c.writes += add.writes ?? 0;
  }

  all(): ReadonlyMap<string, Readonly<CacheCounts>> {
    return this.byName;
  }
}
