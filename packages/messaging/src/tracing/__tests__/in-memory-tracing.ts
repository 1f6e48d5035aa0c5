import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

/**
 * The same global set-up `@switchyard/telemetry` makes in a service (async context, W3C
 * propagator, a tracer provider), exporting into memory so a test can read the spans.
 */
export function inMemoryTracing(): {
  exporter: InMemorySpanExporter;
  reset(): void;
  shutdown(): void;
} {
  const exporter = new InMemorySpanExporter();
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  trace.setGlobalTracerProvider(provider);
  return {
    exporter,
    reset: () => exporter.reset(),
    shutdown: () => {
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
