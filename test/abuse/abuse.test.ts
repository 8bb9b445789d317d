import { mutatedCases, namedCases, runAbuse, startAbuseStack, type AbuseStack } from './kit';

/**
 * The abuse suite (issue 11): every named attack and 2,000 mutated queries from a fixed seed,
 * one at a time against a real gateway. None may get a 5xx, hang, log at error level, or cost an
 * upstream call when it is refused. The specific answers are tested beside the features
 * (test/security, test/gateway, test/events); this suite is the net under all of them.
 */
const SEED = 20261202;

let stack: AbuseStack;
beforeAll(async () => {
  stack = await startAbuseStack();
});
afterAll(async () => {
  await stack?.close();
});

test('named attacks: no 5xx, no hang, no upstream call when refused, nothing logged as an error', async () => {
  const report = await runAbuse(stack, namedCases(stack.gateway.services.config.bodyLimitBytes));
  expect(report.failures).toEqual([]);
  expect(report).toMatchObject({ http5xx: 0, hangs: 0, upstreamCallsOnRefusal: 0, errorLogs: 0 });
  expect(report.cases).toBeGreaterThan(50);
}, 120_000);

test('2,000 mutated queries (seeded): no 5xx, no hang, no upstream call when refused, nothing logged as an error', async () => {
  const report = await runAbuse(stack, mutatedCases(2000, SEED));
  expect(report.failures).toEqual([]);
  expect(report).toMatchObject({ cases: 2000, http5xx: 0, hangs: 0, upstreamCallsOnRefusal: 0, errorLogs: 0 });
}, 300_000);

test('the mutated stream is the same for the same seed', () => {
  const a = mutatedCases(50, SEED).map((c) => c.body);
  expect(mutatedCases(50, SEED).map((c) => c.body)).toEqual(a);
  expect(new Set(a).size).toBeGreaterThan(40);
  expect(mutatedCases(50, SEED + 1).map((c) => c.body)).not.toEqual(a);
});
