import type { ApolloServerPlugin } from '@apollo/server';
import {
  getVariableValues, GraphQLError, Kind, visit, type DocumentNode, type FragmentDefinitionNode, type ValueNode,
} from 'graphql';
import type { GatewayContext } from '../context';
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
 * Refuses too-deep or too-costly operations after validation and before execution, so a refused
 * query makes no upstream call. Answers QUERY_TOO_COMPLEX with HTTP 400, naming the estimate,
 * the limit and the variable that sets it. Variables are coerced first; one its type refuses is
 * BAD_USER_INPUT (HTTP 400) naming the argument it feeds.
 */
export function queryLimitsPlugin(opts: QueryLimitOptions = {}): ApolloServerPlugin<GatewayContext> {
  const maxDepth = opts.maxDepth ?? 10;
  const maxCost = opts.maxCost ?? 50;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, schema, request, contextValue }) {
          if (!operation) return;
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
          const depth = queryDepth(operation.selectionSet, fragments);
          if (depth > maxDepth) {
            throw tooComplex(`The query nests ${depth} levels deep; the limit is ${maxDepth} (MAX_QUERY_DEPTH).`, { depth, maxDepth });
          }
          // The estimate reads `first` and code lists from variables, so they are coerced first, as
          // execution would: a value its type refuses (first: 2147483648 for an Int) is the caller's
          // input error, answered as such, not priced as a huge page.
          const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}, {
            maxErrors: 1,
            hideSuggestions: opts.hideSuggestions ?? false,
          });
          if (coerced.errors) throw badVariable(coerced.errors[0], document);
          const codes = contextValue.services.picqerCodes;
          let cost: number;
          try {
            cost = estimateQueryCost(schema, operation, fragments, coerced.coerced, {
              ...opts,
              knownCode: codes ? (c) => codes.get(c) !== undefined : undefined,
            });
          } catch (err) {
            // An argument over its limit (BAD_USER_INPUT) is refused here, before any call: a 400.
            if (err instanceof GraphQLError) Object.assign(err.extensions, { http: { status: 400 } });
            throw err;
          }
          if (cost > maxCost) {
            throw tooComplex(
              `The query would need an estimated ${cost} upstream calls; the limit is ${maxCost} (MAX_QUERY_COST). Ask for fewer rows (first) or fewer nested lists; product codes the gateway has not seen yet cost one Picqer call each.`,
              { cost, maxCost },
            );
          }
        },
      };
    },
  };
}

function tooComplex(message: string, extra: Record<string, number>): QueryTooComplexError {
  const err = new QueryTooComplexError(message, extra);
  Object.assign(err.extensions, { http: { status: 400 } });
  return err;
}

/**
 * A variable its type refuses, as BAD_USER_INPUT (HTTP 400) naming the arguments it feeds:
 * `Argument "first": Variable "$n" got invalid value …`. graphql's message quotes the value; the
 * client-facing formatter cuts it to a short excerpt (client-errors.ts).
 */
function badVariable(error: GraphQLError, document: DocumentNode): BadUserInputError {
  const node = error.nodes?.[0];
  const name = node?.kind === Kind.VARIABLE_DEFINITION ? node.variable.name.value : undefined;
  const args = name ? argumentsFedBy(document, name) : [];
  const err = new BadUserInputError(args.length ? `Argument ${args.map((a) => `"${a}"`).join(', ')}: ${error.message}` : error.message, args[0]);
  Object.assign(err.extensions, { http: { status: 400 } });
  return err;
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
