import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../context';
import { checkQueryLimits, type QueryLimitOptions } from './query-limits';

export type { QueryLimitOptions } from './query-limits';

/**
 * Refuses too-deep or too-costly operations after validation and before execution, so a refused
 * query makes no upstream call (the rules are in query-limits.ts, shared with graphql-ws). Answers
 * QUERY_TOO_COMPLEX or BAD_USER_INPUT with HTTP 400, naming the figure or the argument, the limit
 * and the variable that sets it.
 */
export function queryLimitsPlugin(opts: QueryLimitOptions = {}): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, schema, request, contextValue }) {
          if (!operation) return;
          const codes = contextValue.services.picqerCodes;
          try {
            checkQueryLimits(schema, document, operation, request.variables, {
              ...opts,
              knownCode: codes ? (c) => codes.get(c) !== undefined : undefined,
            });
          } catch (err) {
            // Refused before any call, for something the caller sent: a 400. The status lives
            // here, not in query-limits.ts, because only HTTP has one (Apollo strips it from the body).
            if (err instanceof GraphQLError) Object.assign(err.extensions, { http: { status: 400 } });
            throw err;
          }
        },
      };
    },
  };
}
