import { randomUUID } from 'node:crypto';
import { MessageHeaders, validTraceHeaders } from '@switchyard/contracts';
import type { FastifyRequest } from 'fastify';

const CORRELATION_HEADER = 'x-correlation-id';

/**
 * The headers a request carries onto the bus: a correlation id (the caller's, if it
 * sent a sane one, else a new one) and the W3C trace context, if it is well formed.
 * Each is stored with the events the request causes (envelope and Kafka headers), so
 * nothing else a caller puts in a header goes along: a malformed `traceparent` is
 * dropped (a new trace starts, as W3C Trace Context asks), never a 400.
 */
export function propagatedHeaders(request: FastifyRequest): Record<string, string> {
  const incoming = request.headers[CORRELATION_HEADER];
  const correlationId =
    typeof incoming === 'string' && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
  return {
    [MessageHeaders.correlationId]: correlationId,
    ...validTraceHeaders(request.headers),
  };
}
