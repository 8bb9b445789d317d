import 'reflect-metadata';

/**
 * `npm run bench -- <name> [args]`: runs bench/<name>.ts, which exports `run(args)`.
 * Benches print figures (counts, ratios); they assert nothing and time nothing in tests.
 */
const BENCHES = ['abuse', 'cache', 'calls', 'overhead', 'ratelimit', 'subscriptions'] as const;

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  if (!name || !(BENCHES as readonly string[]).includes(name)) {
    process.stderr.write(`usage: npm run bench -- <${BENCHES.join('|')}> [args]\n`);
    process.exit(2);
  }
  const mod = (await import(`./${name}`)) as { run(args: string[]): Promise<void> };
  await mod.run(args);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
