import {
  getNamedType, isCompositeType, isListType, isNonNullType, isObjectType, isInterfaceType, Kind,
  type FragmentDefinitionNode, type GraphQLCompositeType, type GraphQLField, type GraphQLSchema,
  type GraphQLType, type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values';
import { BadUserInputError } from '../errors';
import { MAX_PRODUCTCODES } from '../schema/shopify/productcodes.args';

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
  | { kind: 'page'; pageSize: number }
  | { kind: 'single' }
  | { kind: 'batch'; batchSize: number }
  | { kind: 'perRow' }
  | { kind: 'once'; key: string; rows: number }
  /**
   * A field taking a list of product codes (`arg`): Picqer reads codes it has not seen one call
   * each and known ones 100 ids a call (see code-index.ts); Shopify searches `shopifyBatch` SKUs a
   * call after one locations call; a stock push adds `mutationBatch` quantities per mutation.
   */
  | { kind: 'codes'; arg: string; maxItems: number; shopifyBatch: number; mutationBatch?: number };

const PICQER_PAGE = 100;

/** The cost of every field that makes upstream calls; other upstreams add theirs at start-up. */
export const FIELD_COSTS: Record<string, FieldCost> = {
  'Query.products': { kind: 'page', pageSize: PICQER_PAGE },
  'Query.orders': { kind: 'page', pageSize: PICQER_PAGE },
  'Query.picklists': { kind: 'page', pageSize: PICQER_PAGE },
  'Query.product': { kind: 'single' },
  'Query.order': { kind: 'single' },
  'Query.picklist': { kind: 'single' },
  'Query.warehouses': { kind: 'once', key: 'picqer:warehouses', rows: 10 },
  'StockLevel.warehouse': { kind: 'once', key: 'picqer:warehouses', rows: 1 },
  'Picklist.warehouse': { kind: 'once', key: 'picqer:warehouses', rows: 1 },
  // Picqer has no multi-id filter for orders: one GET per distinct order.
  'Picklist.order': { kind: 'perRow' },
  // Products by id batch through the idproducts filter, 100 a call.
  'OrderLine.product': { kind: 'batch', batchSize: PICQER_PAGE },
  'PicklistLine.product': { kind: 'batch', batchSize: PICQER_PAGE },
  // Joins by productcode: the loaders chunk codes by URL/query length; ~50 a call is an estimate.
  'Product.exact': { kind: 'batch', batchSize: 50 },
  'Product.shopify': { kind: 'batch', batchSize: 50 },
  'Query.shopifyLocations': { kind: 'single' },
  'Query.stockDrift': { kind: 'codes', arg: 'productcodes', maxItems: MAX_PRODUCTCODES, shopifyBatch: 50 },
  // Two locations per product at most in practice; 250 quantities per mutation.
  'Mutation.syncFreeStockToShopify': { kind: 'codes', arg: 'productcodes', maxItems: MAX_PRODUCTCODES, shopifyBatch: 50, mutationBatch: 125 },
};

export interface CostOptions {
  /** Rows assumed for a list field that makes no call of its own (lines, stock levels). Default 5. */
  assumedListSize?: number;
  /** Overrides/additions to FIELD_COSTS. */
  fieldCosts?: Record<string, FieldCost>;
  /** Whether Picqer's product id for a code is already known (batchable). Default: never. */
  knownCode?: (code: string) => boolean;
}

/** The estimated upstream calls of one operation. */
export function estimateQueryCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown> = {},
  opts: CostOptions = {},
): number {
  const costs = { ...FIELD_COSTS, ...opts.fieldCosts };
  const listSize = opts.assumedListSize ?? 5;
  const onceKeys = new Set<string>();
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;

  const visit = (set: SelectionSetNode, type: GraphQLCompositeType, rows: number, seen: ReadonlySet<string>): number => {
    let calls = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) as GraphQLCompositeType) : type;
        calls += visit(sel.selectionSet, t ?? type, rows, seen);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments[sel.name.value];
        if (!frag || seen.has(frag.name.value)) continue;
        const t = schema.getType(frag.typeCondition.name.value) as GraphQLCompositeType | undefined;
        calls += visit(frag.selectionSet, t ?? type, rows, new Set([...seen, frag.name.value]));
        continue;
      }
      if (sel.name.value.startsWith('__')) continue;
      const field = fieldOf(type, sel.name.value);
      if (!field) continue;
      const cost = costs[`${type.name}.${field.name}`];
      let childRows = rows;
      if (cost?.kind === 'page') {
        const first = firstArg(field, sel, variables);
        calls += rows * Math.ceil(first / cost.pageSize);
        childRows = rows * first;
      } else if (cost?.kind === 'single' || cost?.kind === 'perRow') {
        calls += rows;
      } else if (cost?.kind === 'batch') {
        calls += Math.ceil(rows / cost.batchSize);
      } else if (cost?.kind === 'codes') {
        const codes = listArg(field, sel, variables, cost.arg);
        // Over the field's own limit is the caller's input error, not a matter of cost: say so.
        if (codes.length > cost.maxItems) {
          throw new BadUserInputError(`Argument "${cost.arg}" of ${field.name} takes at most ${cost.maxItems} codes, got ${codes.length}.`, cost.arg);
        }
        const unknown = codes.filter((c) => !opts.knownCode?.(c)).length;
        calls += rows * (unknown + Math.ceil((codes.length - unknown) / PICQER_PAGE) + 1 + Math.ceil(codes.length / cost.shopifyBatch));
        if (cost.mutationBatch) calls += rows * Math.ceil(codes.length / cost.mutationBatch);
      } else if (cost?.kind === 'once') {
        onceKeys.add(cost.key);
        childRows = rows * cost.rows;
      } else if (isList(field.type) && !isConnectionEdges(type.name, field.name)) {
        childRows = rows * listSize;
      }
      // A root field nobody priced still reaches an upstream: count it, never as free.
      if (!cost && type === root && operation.operation !== 'subscription') calls += 1;
      const named = getNamedType(field.type);
      if (sel.selectionSet && isCompositeType(named)) calls += visit(sel.selectionSet, named, childRows, seen);
    }
    return calls;
  };

  return visit(operation.selectionSet, root, 1, new Set()) + onceKeys.size;
}

function fieldOf(type: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
}

function firstArg(field: GraphQLField<unknown, unknown>, node: Parameters<typeof getArgumentValues>[1], variables: Record<string, unknown>): number {
  try {
    const v = getArgumentValues(field, node, variables).first;
    return typeof v === 'number' && v > 0 ? v : 1;
  } catch {
    // Validation rejects bad arguments later; count the default page for now.
    return 50;
  }
}

function listArg(field: GraphQLField<unknown, unknown>, node: Parameters<typeof getArgumentValues>[1], variables: Record<string, unknown>, arg: string): string[] {
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
