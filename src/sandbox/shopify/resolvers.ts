import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { ShopContext } from './context';
import { matches, parseSearch } from './search';
import { runSetQuantities, type SetInput } from './set-quantities';
import { gid, levelKey, parseGid, quantityOf, type SandboxLevel, type SandboxLocation, type SandboxOrder, type SandboxVariant, type ShopState } from './state';

/**
 * Root value and views for graphql-js `execute` over the sandbox shop. Views are plain objects
 * whose argument-taking fields are functions, which graphql-js's default resolver calls with
 * (args, context); `__typename` lets the default type resolver answer `Node`.
 */

export const MAX_PAGE_SIZE = 250;

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
    shop: () => ({ currencyCode: state.currencyCode }),
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
    inventorySetQuantities: (args: Args, ctx: ShopContext, info: GraphQLResolveInfo) => runSetQuantities(args as { input: SetInput }, ctx, info, v),
  };
}
