import { randomUUID } from 'node:crypto';
import { MessageHeaders, TRACE_HEADERS } from '@switchyard/contracts';
import type { FastifyRequest } from 'fastify';

const CORRELATION_HEADER = 'x-correlation-id';

/**
 * The headers a request carries onto the bus: a correlation id (the caller's, if it
 * sent a sane one, else a new one) and the W3C trace context, if any.
 */
export function propagatedHeaders(request: FastifyRequest): Record<string, string> {
  const incoming = request.headers[CORRELATION_HEADER];
  const correlationId =
    typeof incoming === 'string' && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
  const headers: Record<string, string> = { [MessageHeaders.correlationId]: correlationId };
  for (const name of TRACE_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}
