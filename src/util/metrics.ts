import { Counter, type Registry } from 'prom-client';

/**
 * A Prometheus counter read from running totals kept elsewhere (a governor's, the cache's, the
 * till-sale applier's) when it is scraped: nothing is counted twice and nothing runs between
 * scrapes. A counter has no set(), so it is rebuilt from the totals at each scrape. Labels are
 * outcomes and kinds, never ids, codes or credentials.
 */
export function totalsCounter<L extends string>(
  registry: Registry,
  def: { name: string; help: string; labelNames?: readonly L[] },
  read: () => Iterable<readonly [Partial<Record<L, string>>, number]>,
): void {
  new Counter({
    name: def.name,
    help: def.help,
    labelNames: def.labelNames ?? [],
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, n] of read()) this.inc(labels, n);
    },
  });
}
