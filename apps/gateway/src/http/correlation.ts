import { MessageHeaders, validTraceHeaders } from '@switchyard/contracts';
import { requestCorrelationId } from '@switchyard/service';
import type { FastifyRequest } from 'fastify';

/**
 * The headers a request carries onto the bus: a correlation id (the caller's, if it
 * sent a sane one, else a new one) and the W3C trace context, if it is well formed.
 * Each is stored with the events the request causes (envelope and Kafka headers), so
 * nothing else a caller puts in a header goes along: a malformed `traceparent` is
 * dropped (a new trace starts, as W3C Trace Context asks), never a 400. The id is the
 * one the request's log lines and any error answer carry (`requestCorrelationId`).
 */
export function propagatedHeaders(request: FastifyRequest): Record<string, string> {
  return {
    [MessageHeaders.correlationId]: requestCorrelationId(request.raw),
    ...validTraceHeaders(request.headers),
  };
}
