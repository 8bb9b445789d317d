import {
  ProxyTracerProvider,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';

/**
 * The gateway's one door to OpenTelemetry's API: spans for operations, upstream calls, webhook
 * deliveries and the fan-outs they cause, and the W3C trace headers sent upstream. Nothing else
 * imports @opentelemetry/api, so the vocabulary stays small and the cost stays in one place.
 *
 * Off by default: without an SDK started (src/tracing.ts starts one only when OTEL_* asks for an
 * exporter) the API hands out non-recording spans, the context manager is a pass-through and the
 * propagator writes no header, so every function here costs a few calls and allocates next to nothing.
 * Attributes carry kinds, names, methods, paths and statuses — never a token, a body or a query's variables.
 */

const TRACER = 'picqer-gateway';

export type SpanKindName = 'server' | 'client' | 'internal' | 'consumer' | 'producer';

const KINDS: Record<SpanKindName, SpanKind> = {
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  internal: SpanKind.INTERNAL,
  consumer: SpanKind.CONSUMER,
  producer: SpanKind.PRODUCER,
};

export interface SpanOptions {
  kind?: SpanKindName;
  attributes?: Attributes;
  /** Traces this span follows from (W3C traceparent strings, e.g. an event's delivery). */
  links?: ReadonlyArray<string | undefined>;
}

/** A started span, and the context that makes it the parent of what runs inside `run`. */
export interface TraceSpan {
  /** A point in time on the span (e.g. the governor's wait before a call went out). */
  event(name: string, attributes?: Attributes): void;
  setAttributes(attributes: Attributes): void;
  /** Renames the span once more is known (the operation's type and name after parsing). */
  rename(name: string): void;
  /** Marks the span failed; `reason` is a code or fixed text, never a message that may quote data. */
  fail(reason: string): void;
  /** Runs `fn` with this span as the active parent (upstream calls made inside become its children). */
  run<T>(fn: () => T): T;
  end(): void;
}

/** What the API's tracer provider delegates to while no SDK has registered one. */
const NO_SDK = new ProxyTracerProvider().getDelegate();

/**
 * Whether an SDK is registered (src/tracing.ts, or a test's): without one every span is a
 * non-recording no-op, and a caller on a hot path may skip making it at all.
 */
export function tracingOn(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NO_SDK;
}

/** Starts a span under the active one (or a new trace); end it yourself. */
export function startSpan(name: string, opts: SpanOptions = {}): TraceSpan {
  const parent = context.active();
  const span = trace
    .getTracer(TRACER)
    .startSpan(name, { kind: KINDS[opts.kind ?? 'internal'], attributes: opts.attributes, links: linksOf(opts.links) }, parent);
  return handle(span, trace.setSpan(parent, span));
}

/** Runs `fn` in a new active span, ended when `fn` settles; a throw marks it failed with the error's code or name. */
export async function inSpan<T>(name: string, opts: SpanOptions, fn: (span: TraceSpan) => Promise<T>): Promise<T> {
  const span = startSpan(name, opts);
  try {
    return await span.run(() => fn(span));
  } catch (err) {
    span.fail(reasonOf(err));
    throw err;
  } finally {
    span.end();
  }
}

/**
 * Writes the active trace's W3C headers (traceparent, tracestate) into `headers`, for a call
 * that leaves the process. Writes nothing when tracing is off.
 */
export function injectTraceHeaders(headers: Record<string, string>): void {
  propagation.inject(context.active(), headers);
}

/** The active span's traceparent, to carry with work that continues elsewhere (an event in the log); undefined when tracing is off. */
export function currentTraceparent(): string | undefined {
  if (!trace.getSpan(context.active())?.isRecording()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

function linksOf(carriers: ReadonlyArray<string | undefined> | undefined): Link[] | undefined {
  const links: Link[] = [];
  for (const traceparent of carriers ?? []) {
    if (!traceparent) continue;
    const sc = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { traceparent }));
    if (sc && trace.isSpanContextValid(sc)) links.push({ context: sc });
  }
  return links.length > 0 ? links : undefined;
}

function handle(span: Span, ctx: Context): TraceSpan {
  return {
    event: (name, attributes) => void span.addEvent(name, attributes),
    setAttributes: (attributes) => void span.setAttributes(attributes),
    rename: (name) => void span.updateName(name),
    fail: (reason) => void span.setStatus({ code: SpanStatusCode.ERROR, message: reason }),
    run: (fn) => context.with(ctx, fn),
    end: () => span.end(),
  };
}

/** An error's stable code (errors.ts classes, GraphQL extensions) or its class name: never its message. */
function reasonOf(err: unknown): string {
  const e = err as { code?: unknown; extensions?: { code?: unknown }; name?: unknown } | null;
  const code = e?.extensions?.code ?? e?.code;
  if (typeof code === 'string') return code;
  return typeof e?.name === 'string' ? e.name : 'Error';
}
