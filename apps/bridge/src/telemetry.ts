import { startTelemetry } from '@switchyard/telemetry';

// First import of main.ts: OpenTelemetry must patch node:http before Fastify loads.
// Exports spans only when OTEL_EXPORTER_OTLP_ENDPOINT is set (packages/telemetry).
export const TELEMETRY = startTelemetry('bridge');
