import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../context';

/**
 * Refuses a subscription sent as a plain HTTP request (one that asks for a JSON answer), before it
 * executes: Apollo would run the subscription's resolver as if it were a query, on no event, and
 * answer 200 with an internal error. A subscription is streamed when the request asks for
 * `text/event-stream` (GraphQL over SSE, sse-route.ts: such a request never reaches Apollo) or sent
 * over graphql-ws (ws-server.ts), at the same path; the answer says so with BAD_REQUEST and HTTP 400.
 * (A GET carrying one is already refused by Apollo with 405.)
 */
export function subscriptionsOverHttpPlugin(wsPath: string): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          // Apollo calls this hook even when no operation matched operationName (it answers that itself).
          if (operation?.operation !== 'subscription') return;
          throw new GraphQLError(
            `Subscriptions are streamed, not answered as JSON: POST them to ${wsPath} with "Accept: text/event-stream" (GraphQL over SSE), or use graphql-ws (WebSocket, subprotocol "graphql-transport-ws") at ${wsPath}.`,
            { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } },
          );
        },
      };
    },
  };
}
