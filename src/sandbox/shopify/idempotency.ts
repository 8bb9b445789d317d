/**
 * Shopify's `@idempotent(key:)` as documented (https://shopify.dev/docs/api/usage/idempotent-requests,
 * https://shopify.dev/docs/api/usage/implementing-idempotency, changelog "Adding idempotency for
 * inventory adjustments and refund mutations"): a request repeated with the same key and the
 * same mutation variables runs once, and the repeat gets the result of the original operation;
 * the same key with other variables is IDEMPOTENCY_KEY_PARAMETER_MISMATCH; a repeat while the
 * first is still running is IDEMPOTENCY_CONCURRENT_REQUEST; a repeat of a request that failed is
 * IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED ("Retry with a new idempotency key", 2026-10 enum).
 *
 * UNCONFIRMED: how long Shopify keeps a key (the sandbox: `ttlMs`, default 24 h) and whether a
 * result that carried userErrors is replayed too (the sandbox: yes, any finished result is).
 */

export type IdempotencyVerdict =
  { kind: 'run' } | { kind: 'replay'; result: unknown } | { kind: 'mismatch' } | { kind: 'in-progress' } | { kind: 'previous-failed' };

interface Entry {
  fingerprint: string;
  status: 'running' | 'done' | 'failed';
  /** Set once the first run finished. */
  result?: unknown;
  at: number;
}

/** Keys of one shop (the sandbox has one app and one shop). */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** What to do with a call carrying `key`; a 'run' verdict reserves the key until finish() or abandon(). */
  begin(key: string, fingerprint: string): IdempotencyVerdict {
    const now = this.now();
    const e = this.entries.get(key);
    if (e && now - e.at < this.ttlMs()) {
      if (e.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (e.status === 'done') return { kind: 'replay', result: e.result };
      return e.status === 'running' ? { kind: 'in-progress' } : { kind: 'previous-failed' };
    }
    return this.reserve(key, fingerprint);
  }

  /** Takes the key for a new run (also over a failed one, where the version has no code to refuse it). */
  reserve(key: string, fingerprint: string): IdempotencyVerdict {
    this.entries.set(key, { fingerprint, status: 'running', at: this.now() });
    return { kind: 'run' };
  }

  /** Stores the first run's result for repeats of the key. */
  finish(key: string, value: unknown): void {
    const e = this.entries.get(key);
    if (e) Object.assign(e, { status: 'done', result: value });
  }

  /** Remembers that the run with this key failed inside the shop (nothing was applied). */
  fail(key: string): void {
    const e = this.entries.get(key);
    if (e) e.status = 'failed';
  }

  /** Frees a key whose run failed before producing a result. */
  abandon(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** A stable text for mutation arguments: object keys sorted, so key order never makes a mismatch. */
export function fingerprintOf(field: string, args: unknown): string {
  return `${field}:${JSON.stringify(sortKeys(args))}`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}
