import { GraphQLError } from 'graphql';
import { gid, levelKey, parseGid, type SandboxLevel, type SandboxLocation, type SandboxOrder, type SandboxVariant, type ShopState } from './state';
import { matches, parseSearch } from './search';

/**
 * Root value and views for graphql-js `execute` over the sandbox shop. Views are plain objects
 * whose argument-taking fields are functions, which graphql-js's default resolver calls with
 * (args, context); `__typename` lets the default type resolver answer `Node`.
 */

export const MAX_PAGE_SIZE = 250;

/** Per-request context handed to execute. */
export interface ShopContext {
  state: ShopState;
  apiVersion: string;
  /** Called for every inventory level a mutation changed (fires webhooks). */
  onLevelChanged: (level: SandboxLevel) => void;
}

type Args = Record<string, unknown>;

interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const cursorOf = (offset: number): string => Buffer.from(`o:${offset}`).toString('base64url');

function offsetOf(after: string | null | undefined): number {
  if (after == null) return 0;
  const m = /^o:(\d+)$/.exec(Buffer.from(after, 'base64url').toString());
  if (!m) throw new GraphQLError(`Invalid cursor for 'after': ${after.slice(0, 40)}`);
  return Number(m[1]) + 1;
}

/** Slices a list the way Shopify's connections do; `first` is required and ≤ 250. */
export function paginate<S, T>(all: S[], args: Args, view: (s: S) => T): Page<T> {
  const first = args.first as number | null | undefined;
  if (first == null) throw new GraphQLError('you must provide one of first or last');
  if (first < 0 || first > MAX_PAGE_SIZE) throw new GraphQLError(`The value of 'first' must be between 0 and ${MAX_PAGE_SIZE}, got ${first}`);
  const start = offsetOf(args.after as string | null | undefined);
  const slice = all.slice(start, start + first);
  const edges = slice.map((s, i) => ({ cursor: cursorOf(start + i), node: view(s) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: start + first < all.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** Builds the views over one shop state. */
export function createViews(state: ShopState) {
  const location = (l: SandboxLocation) => ({ __typename: 'Location', id: gid('Location', l.id), name: l.name, isActive: true });
  const locationById = (id: number) => state.locations.find((l) => l.id === id);

  const level = (lv: SandboxLevel): Record<string, unknown> => ({
    __typename: 'InventoryLevel',
    id: `gid://shopify/InventoryLevel/${lv.locationId}?inventory_item_id=${lv.inventoryItemId}`,
    item: () => item(state.variantByItemId.get(lv.inventoryItemId)!),
    location: () => location(locationById(lv.locationId)!),
    updatedAt: lv.updatedAt,
    quantities: (args: Args) =>
      (args.names as string[]).map((name) => ({
        id: `gid://shopify/InventoryQuantity/${lv.locationId}?inventory_item_id=${lv.inventoryItemId}&name=${name}`,
        name,
        quantity: quantityOf(lv, name),
        updatedAt: lv.updatedAt,
      })),
  });

  const levelsOf = (itemId: number): SandboxLevel[] =>
    state.locations.map((l) => state.levels.get(levelKey(itemId, l.id))).filter((x): x is SandboxLevel => Boolean(x));

  const item = (v: SandboxVariant): Record<string, unknown> => ({
    __typename: 'InventoryItem',
    id: gid('InventoryItem', v.inventoryItemId),
    sku: v.sku,
    tracked: true,
    variant: () => variant(v),
    inventoryLevels: (args: Args) => paginate(levelsOf(v.inventoryItemId), args, level),
    inventoryLevel: (args: Args) => {
      const lid = parseGid(args.locationId, 'Location');
      const lv = lid === undefined ? undefined : state.levels.get(levelKey(v.inventoryItemId, lid));
      return lv ? level(lv) : null;
    },
  });

  const variant = (v: SandboxVariant): Record<string, unknown> => ({
    __typename: 'ProductVariant',
    id: gid('ProductVariant', v.id),
    sku: v.sku,
    barcode: v.barcode,
    title: v.title,
    displayName: `${v.productTitle} - ${v.title}`,
    price: v.price,
    inventoryQuantity: levelsOf(v.inventoryItemId).reduce((s, l) => s + l.available, 0),
    product: { __typename: 'Product', id: gid('Product', v.productId), title: v.productTitle, status: v.productStatus },
    inventoryItem: () => item(v),
  });

  const order = (o: SandboxOrder): Record<string, unknown> => ({
    __typename: 'Order',
    id: gid('Order', o.id),
    name: o.name,
    createdAt: o.createdAt,
    updatedAt: o.createdAt,
    cancelledAt: null,
    displayFinancialStatus: o.financial,
    displayFulfillmentStatus: o.fulfillment,
    lineItems: (args: Args) =>
      paginate(o.lineItems, args, (li) => ({
        id: gid('LineItem', li.id),
        sku: li.sku,
        name: li.name,
        quantity: li.quantity,
        currentQuantity: li.quantity,
        variant: () => {
          const v = state.variantById.get(li.variantId);
          return v ? variant(v) : null;
        },
      })),
  });

  const node = (id: unknown): Record<string, unknown> | null => {
    const s = String(id);
    const t = /^gid:\/\/shopify\/([A-Za-z]+)\//.exec(s)?.[1];
    const n = t ? parseGid(s, t) : undefined;
    if (n === undefined) return null;
    if (t === 'ProductVariant') {
      const v = state.variantById.get(n);
      return v ? variant(v) : null;
    }
    if (t === 'InventoryItem') {
      const v = state.variantByItemId.get(n);
      return v ? item(v) : null;
    }
    if (t === 'Location') {
      const l = locationById(n);
      return l ? location(l) : null;
    }
    if (t === 'Order') {
      const o = state.orders.find((x) => x.id === n);
      return o ? order(o) : null;
    }
    return null;
  };

  return { location, level, item, variant, order, node };
}

/** Quantity by Shopify's state name; states the sandbox does not model are 0. */
export function quantityOf(lv: SandboxLevel, name: string): number {
  if (name === 'available') return lv.available;
  if (name === 'committed') return lv.committed;
  if (name === 'on_hand') return lv.available + lv.committed;
  return 0;
}

/** The root value for queries and mutations. */
export function createRoot(state: ShopState) {
  const v = createViews(state);
  const variantFields = (x: SandboxVariant) => ({
    sku: x.sku,
    barcode: x.barcode,
    id: x.id,
    product_id: x.productId,
    default: x.productTitle,
    product_status: x.productStatus.toLowerCase(),
  });
  return {
    productVariants: (args: Args) => {
      const q = parseSearch(args.query as string | undefined);
      return paginate(
        state.variants.filter((x) => matches(q, variantFields(x))),
        args,
        v.variant,
      );
    },
    productVariant: (args: Args) => v.node(args.id),
    inventoryItems: (args: Args) => {
      const q = parseSearch(args.query as string | undefined);
      return paginate(
        state.variants.filter((x) => matches(q, { sku: x.sku, id: x.inventoryItemId })),
        args,
        v.item,
      );
    },
    inventoryItem: (args: Args) => v.node(args.id),
    locations: (args: Args) => paginate(state.locations, args, v.location),
    location: (args: Args) => (args.id == null ? v.location(state.locations[0]) : v.node(args.id)),
    orders: (args: Args) => {
      const q = parseSearch(args.query as string | undefined);
      return paginate(
        state.orders.filter((o) => matches(q, { name: o.name, financial_status: o.financial.toLowerCase() })),
        args,
        v.order,
      );
    },
    order: (args: Args) => v.node(args.id),
    node: (args: Args) => v.node(args.id),
    nodes: (args: Args) => (args.ids as string[]).map((id) => v.node(id)),
    inventorySetQuantities: (args: Args, ctx: ShopContext) => setQuantities(args.input as SetInput, ctx, v),
  };
}

interface SetInput {
  name: string;
  reason: string;
  referenceDocumentUri?: string | null;
  quantities: Array<{ inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity?: number | null }>;
}

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

/** All-or-nothing: every quantity is checked before any is written. */
function setQuantities(input: SetInput, ctx: ShopContext, v: ReturnType<typeof createViews>) {
  const errors: Array<{ code: string; field: string[]; message: string }> = [];
  if (input.name !== 'available' && input.name !== 'on_hand') {
    errors.push({
      code: 'INVALID_QUANTITY_NAME',
      field: ['input', 'name'],
      message: `The quantity name must be "available" or "on_hand", got "${input.name}".`,
    });
  }
  if (!REASONS.has(input.reason)) errors.push({ code: 'INVALID_REASON', field: ['input', 'reason'], message: 'The reason is not a known inventory reason.' });
  // From 2026-04 the compare-and-swap field must be present (explicit null opts out).
  const casRequired = ctx.apiVersion === 'unstable' || ctx.apiVersion >= '2026-04';
  const targets: Array<{ lv: SandboxLevel; quantity: number }> = [];
  const seen = new Set<string>();
  input.quantities.forEach((q, i) => {
    const field = (f: string) => ['input', 'quantities', String(i), f];
    const itemId = parseGid(q.inventoryItemId, 'InventoryItem');
    const locId = parseGid(q.locationId, 'Location');
    if (itemId === undefined || !ctx.state.variantByItemId.has(itemId)) {
      errors.push({ code: 'INVALID_INVENTORY_ITEM', field: field('inventoryItemId'), message: 'The specified inventory item could not be found.' });
      return;
    }
    if (locId === undefined || !ctx.state.locations.some((l) => l.id === locId)) {
      errors.push({ code: 'INVALID_LOCATION', field: field('locationId'), message: 'The specified location could not be found.' });
      return;
    }
    const key = levelKey(itemId, locId);
    if (seen.has(key)) {
      errors.push({
        code: 'NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR',
        field: field('inventoryItemId'),
        message: 'The combination of inventoryItemId and locationId must be unique.',
      });
      return;
    }
    seen.add(key);
    const lv = ctx.state.levels.get(key);
    if (!lv) {
      errors.push({ code: 'ITEM_NOT_STOCKED_AT_LOCATION', field: field('locationId'), message: 'The item is not stocked at the location.' });
      return;
    }
    if (casRequired && !('changeFromQuantity' in q)) {
      errors.push({
        code: 'CHANGE_FROM_QUANTITY_REQUIRED',
        field: field('changeFromQuantity'),
        message: 'changeFromQuantity is required; pass null to skip the check.',
      });
      return;
    }
    const current = quantityOf(lv, input.name);
    if (q.changeFromQuantity != null && q.changeFromQuantity !== current) {
      errors.push({
        code: 'CHANGE_FROM_QUANTITY_STALE',
        field: field('changeFromQuantity'),
        message: 'The quantity has changed since changeFromQuantity was read.',
      });
      return;
    }
    targets.push({ lv, quantity: input.name === 'on_hand' ? q.quantity - lv.committed : q.quantity });
  });
  if (errors.length) return { inventoryAdjustmentGroup: null, userErrors: errors };
  const now = new Date().toISOString();
  const changes = [];
  for (const t of targets) {
    const before = quantityOf(t.lv, input.name);
    if (t.lv.available === t.quantity) continue;
    t.lv.available = t.quantity;
    t.lv.updatedAt = now;
    const variant = ctx.state.variantByItemId.get(t.lv.inventoryItemId)!;
    changes.push({
      name: input.name,
      delta: quantityOf(t.lv, input.name) - before,
      quantityAfterChange: quantityOf(t.lv, input.name),
      item: v.item(variant),
      location: v.location(ctx.state.locations.find((l) => l.id === t.lv.locationId)!),
    });
    ctx.onLevelChanged(t.lv);
  }
  return {
    inventoryAdjustmentGroup: {
      id: `gid://shopify/InventoryAdjustmentGroup/${Date.now()}`,
      createdAt: now,
      reason: input.reason,
      referenceDocumentUri: input.referenceDocumentUri ?? null,
      changes,
    },
    userErrors: [],
  };
}
