import {
  getNamedType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLType,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values';
import { BadUserInputError } from '../errors';
import { entitiesCalls } from './entities-cost';
import { MAX_PAGE_SIZE } from '../schema/common/pagination.args';
import { MAX_PRODUCTCODES } from '../schema/shopify/productcodes.args';
import { WAREHOUSE_FIELD_COSTS } from './warehouse-costs';

/**
 * Estimates how many upstream calls a query will need, before any is made. The figures follow
 * how the loaders actually fetch (src/datasources/picqer/loaders.ts):
 * - a paged list costs ceil(first / page size) calls, and yields `first` rows;
 * - a per-row join the upstream batches costs ceil(rows / batch) calls;
 * - a per-row join it cannot batch (Picqer's order by id) costs one call per row;
 * - a list cached for the request (warehouses) costs its call once per query;
 * - a list field without a call (order lines, stock levels) multiplies the rows below it by an
 *   assumed size, since we cannot know it before fetching.
 * The estimate is an upper-ish bound meant to refuse abuse, not an exact prediction.
 */

/** How one field costs, by `Type.field` coordinate. */
export type FieldCost =
  /** A paged list; `first` over `maxFirst` (the argument's own limit) is the caller's input error. */
  | { kind: 'page'; pageSize: number; maxFirst: number }
  | { kind: 'single' }
  | { kind: 'batch'; batchSize: number }
  | { kind: 'perRow' }
  | { kind: 'once'; key: string; rows: number }
  /**
   * A field taking a list of product codes (`arg`): Picqer reads codes it has not seen one call
   * each and known ones 100 ids a call (see code-index.ts); Shopify searches `shopifyBatch` SKUs a
   * call after one locations call; a stock push adds `mutationBatch` quantities per mutation.
   */
  | { kind: 'codes'; arg: string; maxItems: number; shopifyBatch: number; mutationBatch?: number; perCode?: number }
  /** A router's `_entities`: a row per representation (see entities-cost.ts). */
  | { kind: 'entities' };

const PICQER_PAGE = 100;

/** The cost of every field that makes upstream calls; other upstreams add theirs at start-up. */
export const FIELD_COSTS: Record<string, FieldCost> = {
  'Query.products': { kind: 'page', pageSize: PICQER_PAGE, maxFirst: MAX_PAGE_SIZE },
  'Query.orders': { kind: 'page', pageSize: PICQER_PAGE, maxFirst: MAX_PAGE_SIZE },
  'Query.picklists': { kind: 'page', pageSize: PICQER_PAGE, maxFirst: MAX_PAGE_SIZE },
  'Query.product': { kind: 'single' },
  'Query.order': { kind: 'single' },
  'Query.picklist': { kind: 'single' },
  'Query.warehouses': { kind: 'once', key: 'picqer:warehouses', rows: 10 },
  'StockLevel.warehouse': { kind: 'once', key: 'picqer:warehouses', rows: 1 },
  'Picklist.warehouse': { kind: 'once', key: 'picqer:warehouses', rows: 1 },
  // General free stock needs the warehouse list (which warehouses count), loaded once per request.
  'Product.freeStock': { kind: 'once', key: 'picqer:warehouses', rows: 1 },
  // Picqer has no multi-id filter for orders: one GET per distinct order.
  'Picklist.order': { kind: 'perRow' },
  // Products by id batch through the idproducts filter, 100 a call.
  'OrderLine.product': { kind: 'batch', batchSize: PICQER_PAGE },
  'PicklistLine.product': { kind: 'batch', batchSize: PICQER_PAGE },
  // Bundles, incoming stock, shipments, customers, backorders, locations (issue 19).
  ...WAREHOUSE_FIELD_COSTS,
  // Joins by productcode: the loaders chunk codes by URL/query length; ~50 a call is an estimate.
  'Product.exact': { kind: 'batch', batchSize: 50 },
  'Product.shopify': { kind: 'batch', batchSize: 50 },
  'Query.shopifyLocations': { kind: 'single' },
  'Query.stockDrift': { kind: 'codes', arg: 'productcodes', maxItems: MAX_PRODUCTCODES, shopifyBatch: 50 },
  // Two locations per product at most in practice; 250 quantities per mutation.
  'Mutation.syncFreeStockToShopify': { kind: 'codes', arg: 'productcodes', maxItems: MAX_PRODUCTCODES, shopifyBatch: 50, mutationBatch: 125 },
  // Every channel: Shopify's figures here; LIGHTSPEED_FIELD_COSTS adds Lightspeed's when it is configured.
  'Mutation.syncFreeStock': { kind: 'codes', arg: 'productcodes', maxItems: MAX_PRODUCTCODES, shopifyBatch: 50, mutationBatch: 125 },
  'Product.channels': { kind: 'batch', batchSize: 50 },
  // Federation: `_service` makes no call (priced at one so no root field is free); `_entities` by its representations.
  'Query._service': { kind: 'single' },
  'Query._entities': { kind: 'entities' },
};

/**
 * The fields Lightspeed eCom makes dearer, applied when it is configured (operationRulesOf):
 * eCom filters one SKU a call, so a listing costs a call per product, drift a read per code and
 * the push a read and at most one write per code.
 */
export const LIGHTSPEED_FIELD_COSTS: Readonly<Record<string, FieldCost>> = {
  'Product.channels': { kind: 'perRow' },
  'Query.stockDrift': { kind: 'codes', arg: 'productcodes', maxItems: MAX_PRODUCTCODES, shopifyBatch: 50, perCode: 1 },
  'Mutation.syncFreeStock': { kind: 'codes', arg: 'productcodes', maxItems: MAX_PRODUCTCODES, shopifyBatch: 50, mutationBatch: 125, perCode: 2 },
};

export interface CostOptions {
  /** Rows assumed for a list field that makes no call of its own (lines, stock levels). Default 5. */
  assumedListSize?: number;
  /** Overrides/additions to FIELD_COSTS. */
  fieldCosts?: Record<string, FieldCost>;
  /** Whether Picqer's product id for a code is already known (batchable). Default: never. */
  knownCode?: (code: string) => boolean;
}

/**
 * The estimated upstream calls of one operation.
 *
 * Linear in the document's size: each selection set is priced once, as a function of the rows it
 * is resolved for (see Calls), and a fragment's price is memoised however often it is spread. A
 * document of ten fragments that each spread the next ten times is priced in ten steps, not 10^10.
 */
export function estimateQueryCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown> = {},
  opts: CostOptions = {},
): number {
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  return new OperationPricer(schema, operation, root, fragments, variables, opts).total();
}

/**
 * The walk that prices one operation. It is a class because the steps share what one walk learns:
 * the price of each fragment already priced, the fragments being priced (to stop at a cycle) and
 * the request-cached lists asked for so far, each of which costs its call once per query.
 */
class OperationPricer {
  private readonly costs: Record<string, FieldCost>;
  private readonly listSize: number;
  private readonly onceKeys = new Set<string>();
  private readonly byFragment = new Map<string, Calls>();
  // Fragments being priced: a spread of one of them is a cycle (validation refuses those first).
  private readonly pricing = new Set<string>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly operation: OperationDefinitionNode,
    private readonly root: GraphQLObjectType,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
    private readonly opts: CostOptions,
  ) {
    this.costs = { ...FIELD_COSTS, ...opts.fieldCosts };
    this.listSize = opts.assumedListSize ?? 5;
  }

  /** The operation's calls: its root selection for one row, plus each request-cached list once. */
  total(): number {
    return this.selectionSet(this.operation.selectionSet, this.root).at(1) + this.onceKeys.size;
  }

  private selectionSet(set: SelectionSetNode, type: GraphQLCompositeType): Calls {
    const calls = new Calls();
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) calls.add(this.inlineFragment(sel, type), 1);
      else if (sel.kind === Kind.FRAGMENT_SPREAD) this.fragmentSpread(sel, type, calls);
      else this.field(sel, type, calls);
    }
    return calls;
  }

  private inlineFragment(sel: InlineFragmentNode, type: GraphQLCompositeType): Calls {
    const t = sel.typeCondition ? (this.schema.getType(sel.typeCondition.name.value) as GraphQLCompositeType | undefined) : type;
    return this.selectionSet(sel.selectionSet, t ?? type);
  }

  /** Adds a spread fragment's calls to `calls`, pricing the fragment only the first time. */
  private fragmentSpread(sel: FragmentSpreadNode, type: GraphQLCompositeType, calls: Calls): void {
    const frag = this.fragments[sel.name.value];
    if (!frag || this.pricing.has(frag.name.value)) return;
    const t = (this.schema.getType(frag.typeCondition.name.value) as GraphQLCompositeType | undefined) ?? type;
    const key = `${frag.name.value}@${t.name}`;
    let known = this.byFragment.get(key);
    if (!known) {
      this.pricing.add(frag.name.value);
      known = this.selectionSet(frag.selectionSet, t);
      this.pricing.delete(frag.name.value);
      this.byFragment.set(key, known);
    }
    calls.add(known, 1);
  }

  /** Adds a field's own calls to `calls`, then those of its selection for the rows it yields. */
  private field(sel: FieldNode, type: GraphQLCompositeType, calls: Calls): void {
    if (sel.name.value.startsWith('__')) return;
    const field = fieldOf(type, sel.name.value);
    if (!field) return;
    const cost = this.costs[`${type.name}.${field.name}`];
    const perRowBelow = cost ? this.pricedField(cost, field, sel, calls) : this.unpricedRowsBelow(type, field);
    // A root field nobody priced still reaches an upstream: count it, never as free.
    if (!cost && type === this.root && this.operation.operation !== 'subscription') calls.fixed += 1;
    const named = getNamedType(field.type);
    if (sel.selectionSet && isCompositeType(named)) calls.add(this.selectionSet(sel.selectionSet, named), perRowBelow);
  }

  /** Adds the calls a priced field makes per row to `calls`; returns the rows of its child selection per row. */
  private pricedField(cost: FieldCost, field: GraphQLField<unknown, unknown>, sel: FieldNode, calls: Calls): number {
    switch (cost.kind) {
      case 'page': {
        const first = firstArg(field, sel, this.variables, cost.maxFirst);
        calls.perRow += Math.ceil(first / cost.pageSize);
        return first;
      }
      case 'single':
      case 'perRow':
        calls.perRow += 1;
        return 1;
      case 'batch':
        calls.addBatch(cost.batchSize, 1, 1);
        return 1;
      case 'codes':
        this.addCodesCalls(cost, field, sel, calls);
        return 1;
      case 'once':
        this.onceKeys.add(cost.key);
        return cost.rows;
      case 'entities': {
        const { calls: made, rows } = entitiesCalls(() => getArgumentValues(field, sel, this.variables).representations, this.opts.knownCode);
        calls.perRow += made;
        return rows;
      }
    }
  }

  /** A field taking product codes: Picqer reads, one locations call, Shopify searches, stock pushes. */
  private addCodesCalls(cost: Extract<FieldCost, { kind: 'codes' }>, field: GraphQLField<unknown, unknown>, sel: FieldNode, calls: Calls): void {
    const codes = listArg(field, sel, this.variables, cost.arg);
    // Over the field's own limit is the caller's input error, not a matter of cost: say so.
    if (codes.length > cost.maxItems) {
      throw new BadUserInputError(`Argument "${cost.arg}" of ${field.name} takes at most ${cost.maxItems} codes, got ${codes.length}.`, cost.arg);
    }
    const unknown = codes.filter((c) => !this.opts.knownCode?.(c)).length;
    calls.perRow += unknown + Math.ceil((codes.length - unknown) / PICQER_PAGE) + 1 + Math.ceil(codes.length / cost.shopifyBatch);
    if (cost.mutationBatch) calls.perRow += Math.ceil(codes.length / cost.mutationBatch);
    // Lightspeed eCom reads one SKU a call and writes one variant a call, unless `channels` leaves it out.
    const channels = field.args.some((a) => a.name === 'channels') ? listArg(field, sel, this.variables, 'channels') : [];
    if (cost.perCode && (channels.length === 0 || channels.includes('LIGHTSPEED'))) calls.perRow += codes.length * cost.perCode;
  }

  /** A field without a call: a list multiplies the rows below it by the assumed size, anything else by one. */
  private unpricedRowsBelow(type: GraphQLCompositeType, field: GraphQLField<unknown, unknown>): number {
    return isList(field.type) && !isConnectionEdges(type.name, field.name) ? this.listSize : 1;
  }
}

/**
 * The calls of a selection set as a function of the rows it is resolved for, so that a fragment
 * priced once can be reused wherever it is spread, at any number of rows:
 *   calls(rows) = perRow * rows + fixed + sum over batches of count * ceil(rowsPer * rows / size).
 * A batched join is not linear in rows (100 rows of a 100-a-call batch is one call, 101 is two),
 * so batches are kept apart, one term per (batch size, rows per row), to keep the figures exact.
 */
class Calls {
  /** Distinct batch terms kept exactly; past this many, further ones are bounded from above. */
  private static readonly MAX_BATCH_TERMS = 64;
  perRow = 0;
  fixed = 0;
  private readonly batches = new Map<string, { size: number; rowsPer: number; count: number }>();

  /** `count` batched joins of `size` per call, each resolved for `rowsPer` rows per row. */
  addBatch(size: number, rowsPer: number, count: number): void {
    const key = `${size}:${rowsPer}`;
    const b = this.batches.get(key);
    if (b) b.count += count;
    else if (this.batches.size < Calls.MAX_BATCH_TERMS) this.batches.set(key, { size, rowsPer, count });
    else {
      // ceil(x) <= x + 1: an upper bound stays a safe estimate and keeps this object small
      // whatever multipliers a document combines (a sum, not a product, of terms per fragment).
      this.perRow += (count * rowsPer) / size;
      this.fixed += count;
    }
  }

  /** Adds the calls of a child selection resolved for `rowsPer` rows per row of this one. */
  add(child: Calls, rowsPer: number): void {
    this.perRow += child.perRow * rowsPer;
    this.fixed += child.fixed;
    for (const b of child.batches.values()) this.addBatch(b.size, b.rowsPer * rowsPer, b.count);
  }

  /** The calls for `rows` rows. */
  at(rows: number): number {
    let total = this.perRow * rows + this.fixed;
    for (const b of this.batches.values()) total += b.count * Math.ceil((b.rowsPer * rows) / b.size);
    return Math.ceil(total);
  }
}

function fieldOf(type: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
}

function firstArg(
  field: GraphQLField<unknown, unknown>,
  node: Parameters<typeof getArgumentValues>[1],
  variables: Record<string, unknown>,
  maxFirst: number,
): number {
  let v: unknown;
  try {
    v = getArgumentValues(field, node, variables).first;
  } catch {
    // Validation rejects bad arguments later; count the default page for now.
    return 50;
  }
  if (typeof v !== 'number') return 1;
  // Out of range is the caller's input error (the argument's own rule), not a costly query: a
  // first of 2147483648 must not read as "too complex". Numbers are safe to quote back.
  if (v < 1 || v > maxFirst) throw new BadUserInputError(`Argument "first" of ${field.name} must be between 1 and ${maxFirst}, got ${v}.`, 'first');
  return v;
}

function listArg(
  field: GraphQLField<unknown, unknown>,
  node: Parameters<typeof getArgumentValues>[1],
  variables: Record<string, unknown>,
  arg: string,
): string[] {
  try {
    const v = getArgumentValues(field, node, variables)[arg];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function isList(t: GraphQLType): boolean {
  return isListType(isNonNullType(t) ? t.ofType : t);
}

/** A connection's `edges` list holds the rows its paged field already counted. */
function isConnectionEdges(typeName: string, field: string): boolean {
  return field === 'edges' && typeName.endsWith('Connection');
}
