import {
  getVariableValues,
  GraphQLError,
  Kind,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValueNode,
} from 'graphql';
import { BadUserInputError, QueryTooComplexError } from '../errors';
import { estimateQueryCost, type CostOptions } from './query-cost';
import { queryDepth } from './query-depth';

export interface QueryLimitOptions extends CostOptions {
  /** Deepest field nesting allowed (MAX_QUERY_DEPTH). Default 10. */
  maxDepth?: number;
  /** Most upstream calls a query may be estimated to need (MAX_QUERY_COST). Default 50. */
  maxCost?: number;
  /** Leave graphql's "Did you mean …?" out of variable errors (with introspection off). Default false. */
  hideSuggestions?: boolean;
}

/**
 * Refuses a too-deep or too-costly operation of a validated document, before anything executes,
 * so a refused operation makes no upstream call. Throws QueryTooComplexError naming the figure,
 * the limit and the variable that sets it; variables are coerced first, and one its type refuses
 * is BadUserInputError naming the argument it feeds. An argument over its own limit (e.g. `first`
 * out of range) is the BadUserInputError the estimate throws.
 *
 * Transport-neutral: Apollo calls it through queryLimitsPlugin (which adds HTTP 400), graphql-ws
 * from its onSubscribe (events/fanout/ws-server.ts), so both follow the same limits.
 */
export function checkQueryLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  opts: QueryLimitOptions = {},
): void {
  const maxDepth = opts.maxDepth ?? 10;
  const maxCost = opts.maxCost ?? 50;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const depth = queryDepth(operation.selectionSet, fragments);
  if (depth > maxDepth) {
    throw new QueryTooComplexError(`The query nests ${depth} levels deep; the limit is ${maxDepth} (MAX_QUERY_DEPTH).`, { depth, maxDepth });
  }
  // The estimate reads `first` and code lists from variables, so they are coerced first, as
  // execution would: a value its type refuses (first: 2147483648 for an Int) is the caller's
  // input error, answered as such, not priced as a huge page.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, {
    maxErrors: 1,
    hideSuggestions: opts.hideSuggestions ?? false,
  });
  if (coerced.errors) throw badVariable(coerced.errors[0], document);
  const cost = estimateQueryCost(schema, operation, fragments, coerced.coerced, opts);
  if (cost > maxCost) {
    throw new QueryTooComplexError(
      `The query would need an estimated ${cost} upstream calls; the limit is ${maxCost} (MAX_QUERY_COST). Ask for fewer rows (first) or fewer nested lists; product codes the gateway has not seen yet cost one Picqer call each.`,
      { cost, maxCost },
    );
  }
}

/**
 * A variable its type refuses, as BAD_USER_INPUT naming the arguments it feeds:
 * `Argument "first": Variable "$n" got invalid value …`. graphql's message quotes the value; the
 * client-facing formatter cuts it to a short excerpt (client-errors.ts).
 */
function badVariable(error: GraphQLError, document: DocumentNode): BadUserInputError {
  const node = error.nodes?.[0];
  const name = node?.kind === Kind.VARIABLE_DEFINITION ? node.variable.name.value : undefined;
  const args = name ? argumentsFedBy(document, name) : [];
  return new BadUserInputError(args.length ? `Argument ${args.map((a) => `"${a}"`).join(', ')}: ${error.message}` : error.message, args[0]);
}

/** Names of the arguments whose value is, or contains, `$variable`; one pass over the document. */
function argumentsFedBy(document: DocumentNode, variable: string): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node) {
      if (uses(node.value, variable)) names.add(node.name.value);
      return false; // the value was searched above; do not walk it again
    },
  });
  return [...names];
}

function uses(value: ValueNode, variable: string): boolean {
  if (value.kind === Kind.VARIABLE) return value.name.value === variable;
  if (value.kind === Kind.LIST) return value.values.some((v) => uses(v, variable));
  if (value.kind === Kind.OBJECT) return value.fields.some((f) => uses(f.value, variable));
  return false;
}
