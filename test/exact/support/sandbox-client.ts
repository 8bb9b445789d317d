import { createExactClient, type ExactClient, type ExactClientOptions } from '../../../src/datasources/exact';
import { createGovernorRegistry } from '../../../src/datasources/upstream/governor';
import type { ExactSandbox, ExactSandboxStats } from '../../../src/sandbox/exact';

/** Shared helpers for the Exact tests: a client wired to a sandbox, and the sandbox's counters. */

/** A client for the sandbox with its own governor registry; `close()` closes both. */
export function clientFor(sb: ExactSandbox, extra: Partial<ExactClientOptions> = {}): ExactClient {
  const governors = createGovernorRegistry({ keyPrefix: 'test:exact:' });
  const client = createExactClient({
    baseUrl: sb.baseUrl,
    division: sb.division,
    clientId: sb.clientId,
    clientSecret: sb.clientSecret,
    refreshToken: sb.state.oauth.refreshToken ?? sb.refreshToken,
    governors,
    ...extra,
  });
  return {
    ...client,
    close: async () => {
      await client.close();
      await governors.close();
    },
  };
}

export async function stats(sb: ExactSandbox): Promise<ExactSandboxStats> {
  return (await (await fetch(`${sb.origin}/__sandbox/stats`)).json()) as ExactSandboxStats;
}

export async function control(sb: ExactSandbox, path: string, body: unknown = {}): Promise<void> {
  const r = await fetch(`${sb.origin}/__sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (r.status !== 200) throw new Error(`sandbox control ${path} answered ${r.status}`);
}

/** Item codes in the sandbox catalog, in order. */
export function exactCodes(sb: ExactSandbox): string[] {
  return sb.state.sets[0].records.map((r) => String(r.Code));
}
