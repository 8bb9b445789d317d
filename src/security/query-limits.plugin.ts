import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type DocumentNode } from 'graphql';
import type { GatewayContext } from '../context';
import { checkQueryLimits, type QueryLimitOptions } from './query-limits';

export type { QueryLimitOptions } from './query-limits';

/** Passed checks remembered per document: at most this many operation and variable sets each. */
const PASSED_PER_DOCUMENT = 64;
/** Variables longer than this as JSON are checked every time rather than remembered. */
const MAX_REMEMBERED_VARIABLES_CHARS = 1024;

/**
 * Refuses too-deep or too-costly operations after validation and before execution, so a refused
 * query makes no upstream call (the rules are in query-limits.ts, shared with graphql-ws). Answers
 * QUERY_TOO_COMPLEX or BAD_USER_INPUT with HTTP 400, naming the figure or the argument, the limit
 * and the variable that sets it.
 *
 * A check depends only on the document, the operation, the variables and, for product codes, on
 * which codes the gateway already knows. A check that passed without asking about any code is
 * remembered for its (document, operation, variables), so the next request of a frontend's
 * repeated query does not walk its document again; Apollo's document cache hands every request
 * of one query text the same document object, which keys the memo (weakly: it goes with the
 * document). Refusals are never remembered; neither are checks that asked about codes.
 */
export function queryLimitsPlugin(opts: QueryLimitOptions = {}): ApolloServerPlugin<GatewayContext> {
  const passed = new WeakMap<DocumentNode, Set<string>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, operationName, schema, request, contextValue }) {
          if (!operation) return;
          const key = memoKey(operationName, request.variables);
          const seen = key === undefined ? undefined : passed.get(document);
          if (seen?.has(key!)) return;
          const codes = contextValue.services.picqerCodes;
          let askedCodes = false;
          try {
            checkQueryLimits(schema, document, operation, request.variables, {
              ...opts,
              knownCode: codes
                ? (c) => {
                    askedCodes = true;
                    return codes.get(c) !== undefined;
                  }
                : undefined,
            });
          } catch (err) {
            // Refused before any call, for something the caller sent: a 400. The status lives
            // here, not in query-limits.ts, because only HTTP has one (Apollo strips it from the body).
            if (err instanceof GraphQLError) Object.assign(err.extensions, { http: { status: 400 } });
            throw err;
          }
          if (key === undefined || askedCodes) return;
          const set = seen ?? new Set<string>();
          if (set.size >= PASSED_PER_DOCUMENT) set.clear();
          set.add(key);
          if (!seen) passed.set(document, set);
        },
      };
    },
  };
}

/** The operation and its variables as one string, or undefined when the variables are too long to remember. */
function memoKey(operationName: string | null, variables: Record<string, unknown> | undefined): string | undefined {
  const vars = variables === undefined ? '' : JSON.stringify(variables);
  if (vars.length > MAX_REMEMBERED_VARIABLES_CHARS) return undefined;
  return `${operationName ?? ''}\n${vars}`;
}
