import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  isAbstractType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * Shopify's calculated query cost, as documented (shopify-exact.md A3):
 * scalar and enum fields cost 0, an object 1, a connection 2 + `first` × the cost of one node,
 * a list of objects with an array argument (`nodes(ids:)`, `quantities(names:)`) its length ×
 * the cost of one item, an abstract type the most expensive of its fragments, and each mutation
 * root field a flat 10. With `data`, the same walk prices what was actually returned
 * (`actualQueryCost`); without, it is the worst case (`requestedQueryCost`).
 * The connection and mutation figures come from third-party summaries (UNCONFIRMED wording).
 */

export const MUTATION_COST = 10;

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/** Cost of one operation; `variables` must already be coerced (getVariableValues). */
export function operationCost(
  schema: GraphQLSchema,
  doc: DocumentNode,
  op: OperationDefinitionNode,
  variables: Record<string, unknown>,
  data?: Record<string, unknown> | null,
): number {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const w: Walk = { schema, fragments, variables };
  if (op.operation === 'mutation') {
    let n = 0;
    for (const s of op.selectionSet.selections) if (s.kind === Kind.FIELD && s.name.value !== '__typename') n++;
    return n * MUTATION_COST;
  }
  const root = schema.getQueryType()!;
  return selectionCost(w, op.selectionSet, root, data === undefined ? undefined : (data ?? null));
}

/** `undefined` data = requested (worst case); an object or null = actual. */
function selectionCost(w: Walk, set: SelectionSetNode, type: GraphQLCompositeType, data: unknown): number {
  let base = 0;
  const byType = new Map<string, number>();
  const add = (cond: string | undefined, n: number): void => {
    if (!cond || cond === type.name) base += n;
    else byType.set(cond, (byType.get(cond) ?? 0) + n);
  };
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) add(undefined, fieldCost(w, s, type, data));
    else {
      const frag = s.kind === Kind.INLINE_FRAGMENT ? s : w.fragments[s.name.value];
      if (!frag) continue;
      const cond = frag.typeCondition?.name.value;
      const condType = cond ? w.schema.getType(cond) : type;
      if (!condType || !('getFields' in condType)) continue;
      add(cond, selectionCost(w, frag.selectionSet, condType as GraphQLCompositeType, data));
    }
  }
  // An abstract type is priced as its most expensive possible shape.
  return base + (byType.size ? Math.max(...byType.values()) : 0);
}

function fieldCost(w: Walk, node: FieldNode, parent: GraphQLCompositeType, data: unknown): number {
  const name = node.name.value;
  if (name.startsWith('__') || (isAbstractType(parent) && !('getFields' in parent))) return 0;
  const def = (parent as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[name];
  if (!def) return 0;
  const named = getNamedType(def.type);
  if (isLeafType(named) || !node.selectionSet) return 0;
  const key = node.alias?.value ?? name;
  const value = data === undefined ? undefined : data === null ? null : (data as Record<string, unknown>)[key];
  const args = getArgumentValues(def, node, w.variables);
  const compositeType = named as GraphQLCompositeType;

  if (isObjectType(named) && named.name.endsWith('Connection')) {
    return 2 + connectionItemsCost(w, node.selectionSet, named, args, value);
  }
  if (isListType(getNullableType(def.type))) {
    if (value !== undefined) {
      if (!Array.isArray(value)) return 0;
      return value.reduce((sum: number, item) => sum + (item === null ? 0 : 1 + selectionCost(w, node.selectionSet!, compositeType, item)), 0);
    }
    const sized = Object.values(args).find(Array.isArray) as unknown[] | undefined;
    return (sized?.length ?? 1) * (1 + selectionCost(w, node.selectionSet, compositeType, undefined));
  }
  if (value === null) return 1;
  return 1 + selectionCost(w, node.selectionSet, compositeType, value);
}

/** `first` × one node (both `edges { node }` and `nodes` count), or the nodes actually returned. */
function connectionItemsCost(
  w: Walk,
  set: SelectionSetNode,
  conn: { getFields(): Record<string, GraphQLField<unknown, unknown>> },
  args: Record<string, unknown>,
  value: unknown,
): number {
  const nodeType = getNamedType(conn.getFields().nodes.type) as GraphQLCompositeType;
  let total = 0;
  for (const s of set.selections) {
    if (s.kind !== Kind.FIELD || !s.selectionSet) continue;
    const key = s.alias?.value ?? s.name.value;
    const got = value === undefined ? undefined : value === null ? [] : (((value as Record<string, unknown>)[key] as unknown[] | undefined) ?? []);
    if (s.name.value === 'nodes') {
      if (got === undefined) total += perPage(args) * (1 + selectionCost(w, s.selectionSet, nodeType, undefined));
      else for (const item of got) total += 1 + selectionCost(w, s.selectionSet, nodeType, item);
    } else if (s.name.value === 'edges') {
      // The edge wrapper is free; its node is what Shopify charges for.
      for (const es of s.selectionSet.selections) {
        if (es.kind !== Kind.FIELD || es.name.value !== 'node' || !es.selectionSet) continue;
        const nodeKey = es.alias?.value ?? 'node';
        if (got === undefined) total += perPage(args) * (1 + selectionCost(w, es.selectionSet, nodeType, undefined));
        else for (const edge of got) total += 1 + selectionCost(w, es.selectionSet, nodeType, (edge as Record<string, unknown>)?.[nodeKey] ?? null);
      }
    }
  }
  return total;
}

function perPage(args: Record<string, unknown>): number {
  const n = (args.first ?? args.last) as number | undefined;
  return typeof n === 'number' && n > 0 ? n : 0;
}
