import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing } from '../../src/tracing';
import { startSpan, tracingOn } from '../../src/util/tracing';
import { until } from '../helpers/until';

/** Whether an SDK records spans: hot paths (the per-operation span) skip making one when none does. */

afterEach(() => trace.disable());

it('is off until an SDK registers, on while one does, off again once it is gone', async () => {
  expect(tracingOn()).toBe(false);
  expect(startSpan('x').run(() => trace.getActiveSpan()?.isRecording() ?? false)).toBe(false);

  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({}, { spanProcessors: [new SimpleSpanProcessor(exporter)] });
  expect(tracing).toBeDefined();
  expect(tracingOn()).toBe(true);
  const span = startSpan('recorded');
  span.end();
  // The processor exports once the SDK's resource is ready.
  await until(() => exporter.getFinishedSpans().length > 0, 'the span exported');
  expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['recorded']);

  await tracing!.shutdown();
  trace.disable();
  expect(tracingOn()).toBe(false);
});
