import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../context';

/**
 * Refuses a subscription sent as an HTTP request, before it executes: Apollo would run the
 * subscription's resolver as if it were a query, on no event, and answer 200 with an internal
 * error. Subscriptions live on graphql-ws (see ws-server.ts), at the same path; the answer says so
 * with BAD_REQUEST and HTTP 400. (A GET carrying one is already refused by Apollo with 405.)
 */
export function subscriptionsOverHttpPlugin(wsPath: string): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          // Apollo calls this hook even when no operation matched operationName (it answers that itself).
          if (operation?.operation !== 'subscription') return;
          throw new GraphQLError(
            `Subscriptions are served over graphql-ws (WebSocket, subprotocol "graphql-transport-ws") at ${wsPath}, not over HTTP; send queries and mutations here.`,
            { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } },
          );
        },
      };
    },
  };
}
