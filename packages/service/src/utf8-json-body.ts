import { isUtf8 } from 'node:buffer';
import type { FastifyBodyParser, FastifyInstance } from 'fastify';

/**
 * ### JSON bodies must be UTF-8, or they are a 400
 *
 * RFC 8259 (§8.1) says JSON exchanged between systems is UTF-8. Fastify decodes a body
 * with `toString('utf8')`, which silently turns every invalid byte sequence into U+FFFD:
 * a client that sent Latin-1 `Jos\xe9` would get a 201 for `Jos\ufffd`, an order whose
 * customer is not what it sent, with nothing to tell it so. This parser refuses such a
 * body (400, through the problem-details filter) and parses every other one exactly as
 * Fastify's default parser does, with the same prototype-poisoning protection.
 * `runService` installs it for `application/json` (with the body limit) on every service.
 */
export function utf8JsonBodyParser(fastify: FastifyInstance): FastifyBodyParser<Buffer> {
  // Fastify's defaults for both options: a `__proto__` or `constructor.prototype` key is an error.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  return (request, body, done) => {
    if (!isUtf8(body)) {
      done(Object.assign(new Error('the body is not valid UTF-8'), { statusCode: 400 }), undefined);
      return;
    }
    // The default parser answers through `done` and returns nothing.
    void parseJson(request, body.toString('utf8'), done);
  };
}
