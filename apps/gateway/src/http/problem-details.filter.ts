import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { requestCorrelationId } from '@switchyard/service';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problem, PROBLEM_CONTENT_TYPE, type ProblemDetails } from './problem-details';

/** Fastify's own errors (body parsing, limits) carry a status code and an `FST_` code. */
interface FastifyError {
  statusCode?: number;
  code?: string;
  message: string;
}

/**
 * What a client is told of a server error: what it may do, never why it happened. The
 * why (a broker's message, a subject, a stack) is internal: it is logged with the
 * request's correlation id, which the answer carries instead.
 */
const GENERIC_DETAIL: Record<number, string> = {
  500: 'Something went wrong in the gateway.',
  502: 'A service answered something the gateway could not read.',
  503: 'The service cannot do this right now; retry later.',
  504: 'The service did not answer in time; the request may still complete.',
};

/**
 * Turns every error into `application/problem+json`. Client mistakes keep their 4xx
 * (including the ones Fastify raises before any handler runs: malformed JSON → 400,
 * body too large → 413, unsupported media type → 415), with their detail: it is about
 * what the client sent. A 5xx keeps its stable `title`, but its `detail` is replaced by a
 * generic one and the correlation id (ADR 0034): the original detail, which may be a
 * backend service's internal message, goes to the log only.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    let body = this.toProblem(exception);
    if (body.status >= 500) {
      // Fastify's request, or Node's own where Nest hands that over.
      const request = http.getRequest<FastifyRequest | FastifyRequest['raw']>();
      const correlationId = requestCorrelationId('raw' in request ? request.raw : request);
      this.logger.error({
        msg: 'request failed',
        err: exception,
        status: body.status,
        detail: body.detail,
        correlationId,
      });
      body = {
        ...body,
        detail: `${GENERIC_DETAIL[body.status] ?? GENERIC_DETAIL[500]} Correlation id: ${correlationId}.`,
        correlationId,
      };
    }
    void reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
  }

  toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      if (typeof response === 'object' && response !== null && 'title' in response) {
        return {
          ...problem(exception.getStatus(), String(response.title)),
          ...(response as Partial<ProblemDetails>),
        };
      }
      return problem(exception.getStatus(), exception.message);
    }
    const fastifyError = exception as FastifyError;
    if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode < 500) {
      return problem(fastifyError.statusCode, titleFor(fastifyError.statusCode), {
        detail: fastifyError.message,
      });
    }
    return problem(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal Server Error');
  }
}

function titleFor(status: number): string {
  switch (status) {
    case 400:
      return 'Malformed request';
    case 408:
      return 'Request timeout';
    case 413:
      return 'Request body too large';
    case 415:
      return 'Unsupported media type';
    default:
      return 'Bad request';
  }
}
