import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type FragmentDefinitionNode } from 'graphql';
import type { GatewayContext } from '../context';
import { QueryTooComplexError } from '../errors';
import { estimateQueryCost, type CostOptions } from './query-cost';
import { queryDepth } from './query-depth';

export interface QueryLimitOptions extends CostOptions {
  /** Deepest field nesting allowed (MAX_QUERY_DEPTH). Default 10. */
  maxDepth?: number;
  /** Most upstream calls a query may be estimated to need (MAX_QUERY_COST). Default 50. */
  maxCost?: number;
}

/**
 * Refuses too-deep or too-costly operations after validation and before execution, so a refused
 * query makes no upstream call. Answers QUERY_TOO_COMPLEX with HTTP 400, naming the estimate,
 * the limit and the variable that sets it.
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
          const codes = contextValue.services.picqerCodes;
          let cost: number;
          try {
            cost = estimateQueryCost(schema, operation, fragments, request.variables ?? {}, {
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
