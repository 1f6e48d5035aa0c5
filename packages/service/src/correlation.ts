import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const CORRELATION_HEADER = 'x-correlation-id';

/**
 * The request's correlation id: the caller's `x-correlation-id` when it is sane, else a
 * new one, written back to the request so that the handler (the gateway puts it on the
 * bus) and every log line of the request agree on one id.
 */
export function requestCorrelationId(request: IncomingMessage): string {
  const incoming = request.headers[CORRELATION_HEADER];
  if (typeof incoming === 'string' && /^[\w.:-]{1,128}$/.test(incoming)) return incoming;
  const correlationId = randomUUID();
  request.headers[CORRELATION_HEADER] = correlationId;
  return correlationId;
}
