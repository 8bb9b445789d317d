import { mutatedCases, namedCases, runAbuse, startAbuseStack } from '../test/abuse/kit';

/**
 * `npm run bench -- abuse [--mutated=2000] [--seed=20261202]`: every named attack of the abuse kit
 * plus the seeded mutated queries, one at a time against a gateway in front of the three sandboxes.
 * Prints one line:
 *   abuse: cases=N http_5xx=0 hangs=0 max_ms=M upstream_calls_on_refusal=0
 * where max_ms is the slowest answer to any case (fragment bombs included), then the slowest case
 * and any case that went wrong. The same cases run in test/abuse/abuse.test.ts, which asserts.
 */
export async function run(args: string[]): Promise<void> {
  const opt = (name: string, dflt: number): number => {
    const a = args.find((x) => x.startsWith(`--${name}=`));
    const v = a ? Number(a.slice(name.length + 3)) : dflt;
    if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} takes a whole number, got ${a}`);
    return v;
  };
  const mutated = opt('mutated', 2000);
  const seed = opt('seed', 20261202);
  const stack = await startAbuseStack();
  try {
    const cases = [...namedCases(stack.gateway.services.config.bodyLimitBytes), ...mutatedCases(mutated, seed)];
    const r = await runAbuse(stack, cases);
    process.stdout.write(
      `abuse: cases=${r.cases} http_5xx=${r.http5xx} hangs=${r.hangs} max_ms=${Math.round(r.maxMs)} upstream_calls_on_refusal=${r.upstreamCallsOnRefusal}\n`,
    );
    const statuses = Object.entries(r.statuses)
      .map(([k, v]) => `${k}:${v}`)
      .join(' ');
    process.stdout.write(`# slowest: ${r.slowest}; statuses ${statuses}; error-level log lines: ${r.errorLogs}; seed ${seed}\n`);
    for (const f of r.failures) {
      process.stdout.write(`# failed: ${f.name}: status=${f.status} hung=${f.hung} upstream_calls=${f.upstreamCalls} ms=${Math.round(f.ms)}\n`);
    }
  } finally {
    await stack.close();
  }
}
