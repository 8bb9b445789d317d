/**
 * `InventorySetQuantitiesUserErrorCode` as Shopify documents it, per Admin API version the sandbox
 * can serve. The sandbox's schema declares exactly these enum values for a version (so graphql-js
 * itself refuses to serialize a code the docs do not list), and
 * test/shopify/user-error-codes.test.ts checks that every code the sandbox can answer is in here.
 *
 * Written from the stored copies of shopify.dev (no live web); what each list rests on:
 *
 * - 2026-01, complete: https://shopify.dev/docs/api/admin-graphql/2026-01/enums/InventorySetQuantitiesUserErrorCode
 *   (16 values; the same 16 are in ShopifySharp's generated enum, nozzlegear/ShopifySharp
 *   ShopifySharp/Entities/GraphQL/Generated/Types/InventorySetQuantitiesUserErrorCode.generated.cs).
 * - 2026-10: https://shopify.dev/docs/api/admin-graphql/latest/enums/InventorySetQuantitiesUserErrorCode.md
 *   (page stamped `api_version: 2026-10`). The stored copy shows the values in alphabetical order
 *   up to INVALID_NAME: the 2026-01 values in that range plus IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED
 *   ("A previous request with this idempotency key failed. Retry with a new idempotency key.").
 *   The COMPARE_QUANTITY_* values are still listed although 2026-04 removed the input fields
 *   they describe (https://shopify.dev/changelog/finalizing-compare-and-swap-redesign-for-inventory-set-quantities).
 * - 2026-04, 2026-07, 2027-01: no enum page in the stored copies. The 2027-01 payload and user
 *   error pages (https://shopify.dev/docs/api/admin-graphql/2027-01/objects/InventorySetQuantitiesUserError)
 *   name CHANGE_FROM_QUANTITY_STALE; a third-party research note quoting the 2026-07 enum page
 *   lists CHANGE_FROM_QUANTITY_STALE, IDEMPOTENCY_CONCURRENT_REQUEST, IDEMPOTENCY_KEY_PARAMETER_MISMATCH,
 *   INVALID_INVENTORY_ITEM, INVALID_LOCATION, INVALID_NAME, INVALID_QUANTITY_NEGATIVE,
 *   INVALID_QUANTITY_TOO_HIGH, INVALID_QUANTITY_TOO_LOW, INVALID_REASON, INVALID_REFERENCE_DOCUMENT,
 *   ITEM_NOT_STOCKED_AT_LOCATION and NON_MUTABLE_INVENTORY_ITEM.
 *
 * Rule for the versions without a complete page (UNCONFIRMED, written down in the sandbox README):
 * a value documented for a version stays for the later ones (enum values are added, not removed,
 * and the 2026-10 page still carries the COMPARE_QUANTITY_* values after their fields went);
 * IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED counts from 2026-10, the first page that shows it.
 */

/** The 16 values of the 2026-01 page, in the page's order. */
const V2026_01 = [
  'CHANGE_FROM_QUANTITY_STALE',
  'COMPARE_QUANTITY_REQUIRED',
  'COMPARE_QUANTITY_STALE',
  'IDEMPOTENCY_CONCURRENT_REQUEST',
  'IDEMPOTENCY_KEY_PARAMETER_MISMATCH',
  'INVALID_INVENTORY_ITEM',
  'INVALID_LOCATION',
  'INVALID_NAME',
  'INVALID_QUANTITY_NEGATIVE',
  'INVALID_QUANTITY_TOO_HIGH',
  'INVALID_QUANTITY_TOO_LOW',
  'INVALID_REASON',
  'INVALID_REFERENCE_DOCUMENT',
  'ITEM_NOT_STOCKED_AT_LOCATION',
  'NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR',
  'NON_MUTABLE_INVENTORY_ITEM',
] as const;

/** 2026-10 adds IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED (alphabetical place, as on the page). */
const V2026_10 = [...V2026_01.slice(0, 5), 'IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED', ...V2026_01.slice(5)] as const;

/** Documented values per API version the sandbox serves. */
export const DOCUMENTED_SET_QUANTITIES_CODES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  '2026-01': V2026_01,
  '2026-04': V2026_01,
  '2026-07': V2026_01,
  '2026-10': V2026_10,
  '2027-01': V2026_10,
});

/** The versions with a documented list: the only ones the sandbox agrees to serve. */
export const DOCUMENTED_VERSIONS: readonly string[] = Object.keys(DOCUMENTED_SET_QUANTITIES_CODES);

/** The documented values for `version` ('unstable' reads as the newest); undefined when not documented here. */
export function documentedSetQuantitiesCodes(version: string): readonly string[] | undefined {
  if (version === 'unstable') return DOCUMENTED_SET_QUANTITIES_CODES[DOCUMENTED_VERSIONS[DOCUMENTED_VERSIONS.length - 1]];
  return DOCUMENTED_SET_QUANTITIES_CODES[version];
}
