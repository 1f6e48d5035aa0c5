import { Module, type DynamicModule } from '@nestjs/common';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { LoggerModule } from 'nestjs-pino';
import type { CommonEnv } from '@switchyard/config';
import { currentCorrelationId } from '@switchyard/messaging';
import { requestCorrelationId } from './correlation';
import { SpanFlushOnShutdown } from './tracing';

/**
 * Fields every log line gets from where it is logged: `trace_id` and `span_id` of the
 * active span (a line in Loki or a terminal leads straight to its trace in Jaeger), and
 * the correlation id bound by the handler in progress: a message's `sy-correlation-id`
 * (consumer spans) or the HTTP request's `x-correlation-id` (`TracingInterceptor`).
 */
export function traceLogFields(): Record<string, string> {
  const fields: Record<string, string> = {};
  const spanContext = trace.getSpanContext(context.active());
  if (spanContext && isSpanContextValid(spanContext)) {
    fields.trace_id = spanContext.traceId;
    fields.span_id = spanContext.spanId;
  }
  const correlationId = currentCorrelationId();
  if (correlationId) fields.correlationId = correlationId;
  return fields;
}

/** The logger, and the span flush at shutdown (spans and logs leave the process together). */
@Module({})
class LoggingModule {}

/**
 * Request headers that carry credentials: pino writes `[redacted]` in their place, so a
 * token never reaches a log file, a terminal or a log store (where far more people can
 * read it than may use it). `x-api-key` too: a proxy in front may add one.
 */
export const REDACTED_HEADERS = ['authorization', 'cookie', 'x-api-key', 'proxy-authorization'];

/**
 * JSON logs (pino), one object per line, with the service name on every line, and the
 * trace id, span id and correlation id wherever there is one. Health probes are not
 * logged: they would drown everything else. Credentials in headers are redacted.
 */
export function loggingModule(
  service: string,
  config: Pick<CommonEnv, 'LOG_LEVEL'>,
): DynamicModule {
  return {
    module: LoggingModule,
    imports: [
      LoggerModule.forRoot({
        pinoHttp: {
          level: config.LOG_LEVEL,
          base: { service },
          mixin: traceLogFields,
          autoLogging: { ignore: (request) => /^\/(healthz|readyz)/.test(request.url ?? '') },
          customProps: (request) => ({ correlationId: requestCorrelationId(request) }),
          redact: {
            paths: [
              ...REDACTED_HEADERS.map((header) => `req.headers["${header}"]`),
              'res.headers["set-cookie"]',
            ],
            censor: '[redacted]',
          },
        },
      }),
    ],
    providers: [SpanFlushOnShutdown],
  };
}
