import { getDirectiveValues, GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { fingerprintOf } from './idempotency';
import type { ShopContext } from './context';
import { levelKey, parseGid, quantityOf, type SandboxLevel, type SandboxLocation, type SandboxVariant } from './state';
import type { VersionFeatures } from './versions';

/**
 * `inventorySetQuantities` as documented for the version served (versions.ts): all-or-nothing
 * (every quantity is checked before any is written), compare-and-swap through
 * `changeFromQuantity` (2026-01 on; in 2026-01 the legacy `compareQuantity` /
 * `ignoreCompareQuantity` still apply when it is absent), and `@idempotent(key:)` (idempotency.ts).
 * Every userError code comes from SET_QUANTITIES_CODES, which a test checks against the
 * documented enum of each served version (user-error-codes.ts).
 */

/**
 * Every code this file can answer. COMPARE_QUANTITY_STALE only where the legacy fields exist,
 * IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED only where the version documents it.
 */
export const SET_QUANTITIES_CODES = [
  'INVALID_NAME',
  'INVALID_REASON',
  'INVALID_REFERENCE_DOCUMENT',
  'INVALID_INVENTORY_ITEM',
  'INVALID_LOCATION',
  'NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR',
  'ITEM_NOT_STOCKED_AT_LOCATION',
  'NON_MUTABLE_INVENTORY_ITEM',
  'INVALID_QUANTITY_NEGATIVE',
  'INVALID_QUANTITY_TOO_HIGH',
  'COMPARE_QUANTITY_REQUIRED',
  'COMPARE_QUANTITY_STALE',
  'CHANGE_FROM_QUANTITY_STALE',
  'IDEMPOTENCY_KEY_PARAMETER_MISMATCH',
  'IDEMPOTENCY_CONCURRENT_REQUEST',
  'IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED',
] as const;
export type SetQuantitiesCode = (typeof SET_QUANTITIES_CODES)[number];

/** The codes the sandbox can answer on a version. */
export function emittedSetQuantitiesCodes(f: VersionFeatures): SetQuantitiesCode[] {
  return SET_QUANTITIES_CODES.filter(
    (c) => (c !== 'COMPARE_QUANTITY_STALE' || f.legacyCompare) && (c !== 'IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED' || f.previousAttemptFailed),
  );
}

/** "The total quantity can't be higher than 1,000,000,000." (the enum's description). */
export const MAX_QUANTITY = 1_000_000_000;

export interface QuantityInput {
  inventoryItemId: string;
  locationId: string;
  quantity: number;
  changeFromQuantity?: number | null;
  /** 2026-01 only. */
  compareQuantity?: number | null;
}

export interface SetInput {
  name: string;
  reason: string;
  referenceDocumentUri?: string | null;
  quantities: QuantityInput[];
  /** 2026-01 only. */
  ignoreCompareQuantity?: boolean | null;
}

export interface UserError {
  code: SetQuantitiesCode;
  field: string[] | null;
  message: string;
}

/** The object views the payload's changes point at (resolvers.ts builds them). */
export interface Views {
  item: (v: SandboxVariant) => unknown;
  location: (l: SandboxLocation) => unknown;
}

/** The reasons Shopify lists for inventory changes ("possible reasons" in the quantities-states guide). */
const REASONS = new Set([
  'correction',
  'cycle_count_available',
  'damaged',
  'movement_created',
  'movement_updated',
  'movement_received',
  'movement_canceled',
  'other',
  'promotion',
  'quality_control',
  'received',
  'reservation_created',
  'reservation_deleted',
  'reservation_updated',
  'restock',
  'safety_stock',
  'shrinkage',
]);

/** The resolver: the idempotency key first, then one all-or-nothing run (or the stored result of one). */
export async function runSetQuantities(args: { input: SetInput }, ctx: ShopContext, info: GraphQLResolveInfo, views: Views): Promise<unknown> {
  const key = idempotencyKey(info);
  if (key === undefined) {
    if (ctx.features.idempotencyRequired) {
      // UNCONFIRMED wording: the changelog says only that calling without the directive "will result in an error at runtime".
      throw new GraphQLError(`inventorySetQuantities requires the @idempotent(key:) directive from API version 2026-04 (this is ${ctx.apiVersion}).`);
    }
    await ctx.beforeApply();
    if (ctx.failInternally()) throw new GraphQLError('Internal error');
    return setQuantities(args.input, ctx, views);
  }
  const fingerprint = fingerprintOf('inventorySetQuantities', args);
  let verdict = ctx.idempotency.begin(key, fingerprint);
  if (verdict.kind === 'previous-failed') {
    if (ctx.features.previousAttemptFailed) {
      return rejected([
        {
          code: 'IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED',
          field: null,
          message: 'A previous request with this idempotency key failed. Retry with a new idempotency key.',
        },
      ]);
    }
    // UNCONFIRMED: versions without the code; the sandbox lets the repeat run.
    verdict = ctx.idempotency.reserve(key, fingerprint);
  }
  if (verdict.kind === 'replay') return verdict.result;
  if (verdict.kind === 'mismatch') {
    return rejected([
      { code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH', field: null, message: 'The same idempotency key cannot be used with different operation parameters.' },
    ]);
  }
  if (verdict.kind === 'in-progress') {
    return rejected([{ code: 'IDEMPOTENCY_CONCURRENT_REQUEST', field: null, message: 'This request is currently in progress, please try again.' }]);
  }
  try {
    await ctx.beforeApply();
    if (ctx.failInternally()) {
      ctx.idempotency.fail(key);
      throw new GraphQLError('Internal error');
    }
    const result = setQuantities(args.input, ctx, views);
    ctx.idempotency.finish(key, result);
    return result;
  } catch (err) {
    if (!ctx.failed) ctx.idempotency.abandon(key);
    throw err;
  }
}

/** The key of `@idempotent(key:)` on this field, if any. */
function idempotencyKey(info: GraphQLResolveInfo): string | undefined {
  const directive = info.schema.getDirective('idempotent');
  const values = directive && getDirectiveValues(directive, info.fieldNodes[0], info.variableValues);
  const key = values?.key;
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || key.trim() === '') throw new GraphQLError('The @idempotent key must be a non-empty string.');
  return key;
}

const rejected = (userErrors: UserError[]) => ({ inventoryAdjustmentGroup: null, userErrors });

/** Checks everything, then writes every quantity or none. */
function setQuantities(input: SetInput, ctx: ShopContext, views: Views) {
  const errors = checkInput(input);
  const targets: Array<{ lv: SandboxLevel; quantity: number }> = [];
  const seen = new Set<string>();
  input.quantities.forEach((q, i) => {
    const checked = checkQuantity(q, i, input, ctx, seen);
    if ('code' in checked) errors.push(checked);
    else targets.push(checked);
  });
  if (errors.length) return rejected(errors);
  const now = new Date().toISOString();
  const changes = [];
  for (const t of targets) {
    const before = quantityOf(t.lv, input.name);
    if (t.lv.available === t.quantity) continue;
    t.lv.available = t.quantity;
    t.lv.updatedAt = now;
    changes.push({
      name: input.name,
      delta: quantityOf(t.lv, input.name) - before,
      quantityAfterChange: quantityOf(t.lv, input.name),
      item: views.item(ctx.state.variantByItemId.get(t.lv.inventoryItemId)!),
      location: views.location(ctx.state.locations.find((l) => l.id === t.lv.locationId)!),
    });
    ctx.onLevelChanged(t.lv);
  }
  return {
    inventoryAdjustmentGroup: {
      id: `gid://shopify/InventoryAdjustmentGroup/${++ctx.state.adjustmentGroups}`,
      createdAt: now,
      reason: input.reason,
      referenceDocumentUri: input.referenceDocumentUri ?? null,
      changes,
    },
    userErrors: [],
  };
}

/** The input-wide rules: name, reason, reference document. */
function checkInput(input: SetInput): UserError[] {
  const errors: UserError[] = [];
  if (input.name !== 'available' && input.name !== 'on_hand') {
    errors.push({ code: 'INVALID_NAME', field: ['input', 'name'], message: "The quantity name must be either 'available' or 'on_hand'." });
  }
  if (!REASONS.has(input.reason)) errors.push({ code: 'INVALID_REASON', field: ['input', 'reason'], message: 'The specified reason is invalid.' });
  if (input.referenceDocumentUri != null && !validReferenceDocument(input.referenceDocumentUri)) {
    errors.push({ code: 'INVALID_REFERENCE_DOCUMENT', field: ['input', 'referenceDocumentUri'], message: 'The specified reference document is invalid.' });
  }
  return errors;
}

/**
 * "Valid URI with scheme and content. For GID format, all components (app, entity, id) are
 * required" (InventorySetQuantitiesInput.referenceDocumentUri, 2027-01 docs).
 */
export function validReferenceDocument(uri: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(uri)) return false;
  if (uri.toLowerCase().startsWith('gid:')) return /^gid:\/\/[^/\s]+\/[^/\s]+\/[^/\s]+$/i.test(uri);
  return true;
}

/** One quantity: the level it targets, or why it cannot be set. */
function checkQuantity(q: QuantityInput, i: number, input: SetInput, ctx: ShopContext, seen: Set<string>): UserError | { lv: SandboxLevel; quantity: number } {
  const field = (f: string) => ['input', 'quantities', String(i), f];
  const itemId = parseGid(q.inventoryItemId, 'InventoryItem');
  const locId = parseGid(q.locationId, 'Location');
  const variant = itemId === undefined ? undefined : ctx.state.variantByItemId.get(itemId);
  if (itemId === undefined || !variant)
    return { code: 'INVALID_INVENTORY_ITEM', field: field('inventoryItemId'), message: 'The specified inventory item could not be found.' };
  if (locId === undefined || !ctx.state.locations.some((l) => l.id === locId)) {
    return { code: 'INVALID_LOCATION', field: field('locationId'), message: 'The specified location could not be found.' };
  }
  const key = levelKey(itemId, locId);
  if (seen.has(key)) {
    return {
      code: 'NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR',
      field: field('inventoryItemId'),
      message: 'The combination of inventoryItemId and locationId must be unique.',
    };
  }
  seen.add(key);
  if (variant.nonMutable) {
    return {
      code: 'NON_MUTABLE_INVENTORY_ITEM',
      field: field('inventoryItemId'),
      message: 'The specified inventory item is not allowed to be adjusted via API.',
    };
  }
  const lv = ctx.state.levels.get(key);
  if (!lv) return { code: 'ITEM_NOT_STOCKED_AT_LOCATION', field: field('locationId'), message: 'The specified inventory item is not stocked at the location.' };
  // UNCONFIRMED which of NEGATIVE / TOO_LOW Shopify answers for a negative `available`: the sandbox refuses any negative quantity.
  if (q.quantity < 0) return { code: 'INVALID_QUANTITY_NEGATIVE', field: field('quantity'), message: "The quantity can't be negative." };
  if (q.quantity > MAX_QUANTITY)
    return { code: 'INVALID_QUANTITY_TOO_HIGH', field: field('quantity'), message: "The total quantity can't be higher than 1,000,000,000." };
  const stale = compareError(q, input, quantityOf(lv, input.name), ctx.features, field);
  if (stale) return stale;
  return { lv, quantity: input.name === 'on_hand' ? q.quantity - lv.committed : q.quantity };
}

/**
 * Compare-and-swap. `changeFromQuantity` (even null) decides when present. Absent: from 2026-04
 * an error (UNCONFIRMED code: the changelog says only that omitting it errors; COMPARE_QUANTITY_REQUIRED
 * is the documented value that says so); in 2026-01 the legacy fields decide, and neither of
 * them is COMPARE_QUANTITY_REQUIRED as before 2026-01.
 */
function compareError(q: QuantityInput, input: SetInput, current: number, f: VersionFeatures, field: (f: string) => string[]): UserError | null {
  if (q.changeFromQuantity !== undefined) {
    if (q.changeFromQuantity === null || q.changeFromQuantity === current) return null;
    return { code: 'CHANGE_FROM_QUANTITY_STALE', field: field('changeFromQuantity'), message: 'The changeFromQuantity value does not match persisted value.' };
  }
  if (f.changeFromRequired) {
    return {
      code: 'COMPARE_QUANTITY_REQUIRED',
      field: field('changeFromQuantity'),
      message: `changeFromQuantity must be given to each quantity from API version 2026-04 (pass null to skip the check).`,
    };
  }
  if (input.ignoreCompareQuantity === true) return null;
  if (q.compareQuantity == null) {
    return {
      code: 'COMPARE_QUANTITY_REQUIRED',
      field: field('compareQuantity'),
      message: 'The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity.',
    };
  }
  if (q.compareQuantity === current) return null;
  return { code: 'COMPARE_QUANTITY_STALE', field: field('compareQuantity'), message: 'The compareQuantity value does not match persisted value.' };
}
