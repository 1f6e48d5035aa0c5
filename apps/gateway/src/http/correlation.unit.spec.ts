import type { FastifyRequest } from 'fastify';
import { propagatedHeaders } from './correlation';

const request = (headers: Record<string, string>) =>
  ({ headers, raw: { headers } }) as unknown as FastifyRequest;
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('propagatedHeaders: what of a request goes onto the bus (and is stored with its events)', () => {
  it('carries a sane correlation id and a valid trace context', () => {
    expect(
      propagatedHeaders(
        request({ 'x-correlation-id': 'req-1', traceparent, tracestate: 'rojo=1' }),
      ),
    ).toEqual({ 'sy-correlation-id': 'req-1', traceparent, tracestate: 'rojo=1' });
  });

  it('replaces a correlation id that is not one, and drops a malformed trace context', () => {
    const headers = propagatedHeaders(
      request({ 'x-correlation-id': 'two words', traceparent: 'caf\u00e9', tracestate: 'rojo=1' }),
    );
    expect(headers).toEqual({ 'sy-correlation-id': expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });
});
