import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { TextMapPropagator } from '@opentelemetry/api';
import type { TelemetrySettings } from './settings';

/**
 * Not traced, or one trace per poll would bury the orders: probes, scrapes, and the
 * dashboard's own traffic (its `GET /api/overview` poll, the `GET /events` SSE stream that
 * stays open for hours, and its static files).
 */
const UNTRACED_PATHS =
  /^\/(healthz|readyz|metrics|events|api\/overview)(\/|\?|$)|^\/[^?]*\.\w+(\?|$)|^\/(\?|$)/;

/**
 * The NodeSDK, exporting. Kept in its own module and loaded only when spans are exported:
 * the SDK and its exporters take a good half second to load, which every service start
 * in every test would otherwise pay for nothing.
 */
export function startSdk(
  settings: Required<TelemetrySettings>,
  propagator: TextMapPropagator,
): NodeSDK {
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    resource: defaultResource().merge(
      resourceFromAttributes({
        'service.namespace': 'switchyard',
        // Which deployment or test run (SWITCHYARD_NAMESPACE) the span belongs to.
        'switchyard.namespace': settings.namespace,
      }),
    ),
    // Batches spans (OTEL_BSP_SCHEDULE_DELAY, 5 s by default) into OTLP/HTTP JSON posts.
    traceExporter: new OTLPTraceExporter({ url: settings.tracesUrl }),
    textMapPropagator: propagator,
    // Metrics are Prometheus' job here (`/metrics`), logs go to stdout as JSON: no OTLP
    // metric or log pipelines, whatever OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER say.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
      }),
    ],
  });
  sdk.start();
  return sdk;
}
