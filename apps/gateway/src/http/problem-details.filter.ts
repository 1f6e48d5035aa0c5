import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { problem, PROBLEM_CONTENT_TYPE, type ProblemDetails } from './problem-details';

/** Fastify's own errors (body parsing, limits) carry a status code and an `FST_` code. */
interface FastifyError {
  statusCode?: number;
  code?: string;
  message: string;
}

/**
 * Turns every error into `application/problem+json`. Client mistakes keep their 4xx
 * (including the ones Fastify raises before any handler runs: malformed JSON → 400,
 * body too large → 413, unsupported media type → 415); anything unexpected is a 500
 * that is logged with its stack but never leaks it to the client.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toProblem(exception);
    if (body.status >= 500)
      this.logger.error({ msg: 'request failed', err: exception, status: body.status });
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
    case 413:
      return 'Request body too large';
    case 415:
      return 'Unsupported media type';
    default:
      return 'Bad request';
  }
}
