import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';
import type { GatewayMetrics } from '../util/metrics';

/**
 * Counts every GraphQL request over HTTP once its response is ready: duration from the request's
 * start, type and name (the name only when METRICS_OPERATION_NAMES allows it), and each error's
 * `extensions.code` as the client sees it (after masking, so the codes are a known set). A
 * request that did not parse has type `unknown`.
 */
export function metricsPlugin(metrics: GatewayMetrics): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ response, operation, operationName }) {
          const body = response.body;
          const errors = body.kind === 'single' ? (body.singleResult.errors ?? []) : [];
          const codes = errors.map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR'));
          metrics.operation(operation?.operation, operationName, (performance.now() - started) / 1000, codes);
        },
      };
    },
  };
}
