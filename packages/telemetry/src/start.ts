import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { telemetrySettings, type TelemetrySettings } from './settings';

function propagator() {
  return new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  });
}

/**
 * ### Starts OpenTelemetry. Call it before anything else is loaded.
 *
 * Each app's `src/telemetry.ts` calls this and is the first import of its `main.ts`:
 * the HTTP instrumentation patches `node:http` as modules load, so Fastify must be
 * required after it.
 *
 * - Exporting (an OTLP endpoint is set): the NodeSDK with a batching OTLP/HTTP exporter
 *   (JSON bodies: readable with `curl`, decodable by a test without protobuf
 *   definitions), W3C Trace Context and Baggage propagation, and the HTTP server
 *   instrumentation (the gateway's request span is the root of every order's trace).
 * - Not exporting: no tracer provider (spans are no-ops and cost nothing), but the async
 *   context manager and the W3C propagator are still installed, so an incoming
 *   `traceparent` still reaches the next hop unchanged and logs still show its trace id.
 *
 * Messaging spans (NATS, JetStream, Kafka) are not auto-instrumented: `@switchyard/messaging`
 * creates them where messages are published and handled.
 */
export function startTelemetry(
  defaultServiceName: string,
  env: NodeJS.ProcessEnv = process.env,
): TelemetrySettings {
  const settings = telemetrySettings(defaultServiceName, env);
  if (!settings.exporting || !settings.tracesUrl) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(propagator());
    return settings;
  }
  // Loaded here, not at the top: only a service that exports pays for loading the SDK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('./sdk') as typeof import('./sdk');
  sdk.startSdk({ ...settings, tracesUrl: settings.tracesUrl }, propagator());
  return settings;
}
