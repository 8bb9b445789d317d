import type { ApolloServerOptionsWithGateway, ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';
import { startSpan, tracingOn, type TraceSpan } from '../util/tracing';

type ExecutorGateway = ApolloServerOptionsWithGateway<GatewayContext>['gateway'];

/**
 * A span per GraphQL operation over HTTP: started when the request arrives, named
 * "query Stock" once the operation is known, failed with the first error code, ended when the
 * response is ready. Apollo's hooks cannot make a span the active context for execution, so
 * `wrapGateway` runs the executor inside it: the upstream calls the resolvers make (through
 * DataLoader batches scheduled from there) become its children. Without an SDK started the span
 * records nothing (util/tracing.ts), so none is made.
 */
export function operationTracing(): { plugin: ApolloServerPlugin<GatewayContext>; wrapGateway(gateway: ExecutorGateway): ExecutorGateway } {
  // Per request, and gone with it: keyed by the request's context object.
  const spans = new WeakMap<object, TraceSpan>();
  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart({ contextValue }) {
      // No SDK: no span to make, and no hooks for Apollo to run for this request.
      if (!tracingOn()) return;
      const span = startSpan('graphql', { kind: 'server' });
      spans.set(contextValue, span);
      return {
        async didResolveOperation({ operation, operationName }) {
          if (!operation) return;
          span.rename(`${operation.operation}${operationName ? ` ${operationName}` : ''}`);
          span.setAttributes({ 'graphql.operation.type': operation.operation, ...(operationName ? { 'graphql.operation.name': operationName } : {}) });
        },
        async willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const code = errors[0]?.extensions?.code;
          if (errors.length > 0) span.fail(typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR');
          span.end();
        },
      };
    },
  };
  return {
    plugin,
    wrapGateway: (gateway) => ({
      onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
      stop: () => gateway.stop(),
      async load(options) {
        const loaded = await gateway.load(options);
        const executor = loaded.executor;
        if (!executor) return loaded;
        return {
          ...loaded,
          executor: (rc) => {
            const span = spans.get(rc.context);
            return span ? span.run(() => executor(rc)) : executor(rc);
          },
        };
      },
    }),
  };
}
