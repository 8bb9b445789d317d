import type { NodeSDKConfiguration } from '@opentelemetry/sdk-node';

/**
 * Starts OpenTelemetry's Node SDK when the standard OTEL_* variables ask for traces to go
 * somewhere; off otherwise, and then not even loaded (util/tracing.ts's spans record nothing).
 * The SDK reads the rest itself: OTEL_SERVICE_NAME (default here: picqer-gateway),
 * OTEL_EXPORTER_OTLP_ENDPOINT / _TRACES_ENDPOINT / _PROTOCOL / _HEADERS, OTEL_TRACES_SAMPLER,
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_PROPAGATORS (default: W3C traceparent and baggage).
 *
 * This is the one place outside config.ts that looks at the environment: the OTEL_* variables
 * are the SDK's own contract, read by the SDK, and must be settled before anything else runs.
 */

export interface Tracing {
  /** Flushes the spans still buffered and stops the exporter; call last on shutdown. */
  shutdown(): Promise<void>;
}

/**
 * On when the SDK is not disabled (OTEL_SDK_DISABLED=true) and an exporter is named
 * (OTEL_TRACES_EXPORTER other than "none") or an OTLP endpoint is set. The SDK alone would default
 * to OTLP on localhost:4318 and log an export error every few seconds when nothing listens there.
 */
export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter === 'none') return false;
  return Boolean(exporter || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Starts the SDK if `env` asks for it (or `overrides` bring their own span processors, as the
 * trace test does with an in-memory exporter); undefined when tracing stays off.
 */
export function startTracing(env: NodeJS.ProcessEnv, overrides: Partial<NodeSDKConfiguration> = {}): Tracing | undefined {
  if (!overrides.spanProcessors && !tracingWanted(env)) return undefined;
  // Loaded only when wanted: the SDK and its exporters are a few megabytes of modules.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? 'picqer-gateway',
    // No automatic instrumentation: the gateway makes its own spans (operations, upstream calls,
    // webhooks, fan-outs); patching http, undici and ioredis would add a span per socket write.
    instrumentations: [],
    ...overrides,
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

/** The process's tracing, started on import (main.ts imports this module first). */
export const tracing: Tracing | undefined = startTracing(process.env);
