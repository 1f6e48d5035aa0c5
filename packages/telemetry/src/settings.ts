/** What `startTelemetry` will do, decided from the environment alone (easy to test and to log). */
export interface TelemetrySettings {
  /** Spans are recorded and exported only when an OTLP endpoint is configured. */
  exporting: boolean;
  /** Full OTLP/HTTP traces URL, e.g. `http://jaeger:4318/v1/traces`. */
  tracesUrl?: string;
  /** `service.name` on every span. */
  serviceName: string;
  /** `switchyard.namespace` resource attribute: which test run or deployment a span is from. */
  namespace: string;
}

/**
 * ### Telemetry configuration, with the standard OpenTelemetry variables.
 *
 * | Variable                              | Default                 | Meaning                                      |
 * | ------------------------------------- | ----------------------- | -------------------------------------------- |
 * | `OTEL_EXPORTER_OTLP_ENDPOINT`         | unset: export disabled  | OTLP/HTTP base URL; spans go to `/v1/traces` |
 * | `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`  | unset                   | full traces URL (wins over the base URL)     |
 * | `OTEL_SERVICE_NAME`                   | the app's name          | `service.name`                               |
 * | `OTEL_SDK_DISABLED`                   | `false`                 | `true`: no export even with an endpoint      |
 *
 * Export is off unless asked for: a developer running the tests or `npm run demo` with no
 * collector should not get a connection error per batch of spans. Trace context is still
 * propagated when export is off (see `startTelemetry`).
 */
export function telemetrySettings(
  defaultServiceName: string,
  env: NodeJS.ProcessEnv = process.env,
): TelemetrySettings {
  const serviceName = nonEmpty(env.OTEL_SERVICE_NAME) ?? defaultServiceName;
  const namespace = env.SWITCHYARD_NAMESPACE ?? '';
  const disabled = env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true';
  const tracesUrl =
    nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ??
    withTracesPath(nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT));
  if (disabled || !tracesUrl) return { exporting: false, serviceName, namespace };
  return { exporting: true, tracesUrl, serviceName, namespace };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** The OTLP spec: a base endpoint gets the signal path appended (`/v1/traces`). */
function withTracesPath(base: string | undefined): string | undefined {
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}
