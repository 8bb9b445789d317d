import { documentedSetQuantitiesCodes } from './user-error-codes';

/**
 * What changes between the Admin API versions the sandbox serves, for `inventorySetQuantities`.
 * From the changelogs of 2025-12-12 (https://shopify.dev/changelog/concurrency-protection-features
 * and the four posts it links):
 * - 2026-01 adds `changeFromQuantity` (it overrides `compareQuantity`/`ignoreCompareQuantity`,
 *   which still work when it is absent) and the optional `@idempotent(key:)` directive;
 * - 2026-04 removes `compareQuantity`/`ignoreCompareQuantity`, makes `changeFromQuantity`
 *   mandatory (explicit null opts out) and the directive required at runtime.
 */
export interface VersionFeatures {
  version: string;
  /** `compareQuantity` and `ignoreCompareQuantity` exist (deprecated in 2026-01, gone from 2026-04). */
  legacyCompare: boolean;
  /** Every quantity must carry `changeFromQuantity` (2026-04 on). */
  changeFromRequired: boolean;
  /** `@idempotent(key:)` must be present (2026-04 on). */
  idempotencyRequired: boolean;
  /** The documented InventorySetQuantitiesUserErrorCode values (user-error-codes.ts). */
  codes: readonly string[];
  /** The version documents IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED (2026-10 on). */
  previousAttemptFailed: boolean;
}

/** 'unstable' is newer than any dated version. */
export function versionAtLeast(version: string, than: string): boolean {
  return version === 'unstable' || version >= than;
}

/** The features of a version; throws for a version without documented codes (the sandbox refuses to serve it). */
export function versionFeatures(version: string): VersionFeatures {
  const codes = documentedSetQuantitiesCodes(version);
  if (!codes) {
    throw new Error(`The Shopify sandbox emulates API versions 2026-01 to 2027-01 and unstable (src/sandbox/shopify/user-error-codes.ts), not "${version}".`);
  }
  const from2604 = versionAtLeast(version, '2026-04');
  return {
    version,
    legacyCompare: !from2604,
    changeFromRequired: from2604,
    idempotencyRequired: from2604,
    codes,
    previousAttemptFailed: codes.includes('IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED'),
  };
}
