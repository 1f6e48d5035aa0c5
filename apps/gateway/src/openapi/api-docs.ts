import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { IdempotencyKeySchema, ProblemDetailsSchema } from '@switchyard/contracts';
import { PROBLEM_CONTENT_TYPE } from '../http/problem-details';
import { apiSchemas } from './api-schemas';

/** The admin token's security scheme in the document (`AdminOnly`). */
export const ADMIN_SECURITY_SCHEME = 'adminToken';

/**
 * ### The decorators that document a route
 *
 * Success bodies are named on each route with `@ApiResponse({ standardSchema })`; the
 * failure answers every route shares are spelled once here, so each route lists only
 * which ones it can give. `description` says when it happens, and `title` in the body is
 * the stable, machine-readable part (`detail` is for people).
 */
export const ApiProblem = (status: number, description: string) =>
  ApiResponse({
    status,
    description,
    content: { [PROBLEM_CONTENT_TYPE]: { schema: apiSchemas.ref(ProblemDetailsSchema) } },
  });

/**
 * What Fastify refuses before any handler runs, on every route that accepts a body. JSON,
 * `text/plain` and form bodies are parsed (and then validated); other types are not.
 */
export const ApiBodyLimitProblems = () =>
  applyDecorators(
    ApiProblem(413, '`Request body is too large` (over `HTTP_BODY_LIMIT_BYTES`).'),
    ApiProblem(415, '`Unsupported Media Type`: a content type the gateway does not parse.'),
  );

/**
 * The body failures of an admin `POST`, which takes no body but must be JSON (`{}`): a plain
 * HTML form cannot send that (ADR 0034).
 */
export const ApiNoBodyProblems = () =>
  applyDecorators(
    ApiProblem(
      400,
      "A JSON content type with an empty or malformed body; the title is the parser's " +
        "message (`Body cannot be empty when content-type is set to 'application/json'`): send `{}`.",
    ),
    ApiProblem(413, '`Request body is too large` (over `HTTP_BODY_LIMIT_BYTES`).'),
    ApiProblem(
      415,
      '`Unsupported media type`: an admin `POST` must be `application/json` (a form cannot be).',
    ),
  );

/**
 * The request-reply failures of every route that asks a service over NATS
 * (`ServiceClient`): nobody listening, no answer in time.
 */
export const ApiServiceProblems = () =>
  applyDecorators(
    ApiProblem(
      502,
      '`Invalid reply from a service`: its reply broke the schema the message catalog gives the ' +
        'route (every reply is validated: ADR 0030). A bug to report, not to retry.',
    ),
    ApiProblem(
      503,
      'No service is available (NATS "no responders": nobody listens on the subject), or the ' +
        'service could not do it now (e.g. `Order could not be stored`: JetStream did not ' +
        'confirm the write). Safe to retry.',
    ),
    ApiProblem(
      504,
      '`Service did not answer in time` (`NATS_REQUEST_TIMEOUT_MS`). The request may still ' +
        'complete: retry a `POST /orders` with the same `Idempotency-Key`.',
    ),
  );

/**
 * The headers a request carries onto the bus (`propagatedHeaders`): stored with the events
 * it causes, in the envelope and as Kafka headers. None of them is ever a reason for a 400.
 */
export const ApiPropagatedHeaders = () =>
  applyDecorators(
    ApiHeader({
      name: 'x-correlation-id',
      required: false,
      description:
        'Ties every event and log line this request causes together. Kept when it is ' +
        '1-128 characters of letters, digits, `_`, `.`, `:` and `-`; otherwise (or when ' +
        'absent) the gateway makes a new UUID. Not echoed in the response.',
      schema: { type: 'string' },
    }),
    ApiHeader({
      name: 'traceparent',
      required: false,
      description:
        'W3C Trace Context: the request joins this trace. A malformed value is dropped and ' +
        'a new trace starts (never a 400).',
      schema: { type: 'string' },
      example: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    }),
    ApiHeader({
      name: 'tracestate',
      required: false,
      description: 'W3C Trace Context vendor data; travels with a valid `traceparent` only.',
      schema: { type: 'string' },
    }),
  );

/** `Idempotency-Key` on `POST /orders`. */
export const ApiIdempotencyKey = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Retrying with the same key (after a timeout, a dropped connection) answers the ' +
      'order the first request created instead of placing a second one, for a day. The same ' +
      'key with a different body is a 422. An invalid key is a 400.',
    schema: apiSchemas.converter(IdempotencyKeySchema, { schemaType: 'input' })!.schema as object,
  });

/** The `Location` header of a 201 or 202: where to follow what was created or started. */
export const locationHeader = (description: string) => ({
  location: { description, schema: { type: 'string' } },
});
