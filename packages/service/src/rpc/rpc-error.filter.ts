import { Catch, Logger, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { throwError, type Observable } from 'rxjs';

/** One domain error and the answer a caller can act on (409 = retry shortly, …). */
export interface RpcErrorRule {
  // Any error class: the rule matches with `instanceof`.
  error: abstract new (...args: never[]) => Error;
  status: number;
  title: string;
  /** The problem's `detail`; the error's message when left out. */
  detail?: (error: Error) => string;
}

/** What an error no rule names becomes: the service could not do it now (503). */
export interface RpcFallback {
  status: number;
  title: string;
}

/**
 * ### The error-to-status mapping of a request-reply service, in one table.
 *
 * Handlers throw their domain errors; this filter turns them into the RFC 9457 problem
 * the caller receives (the gateway passes its status through). A validation failure is
 * already an `RpcException` (`parsePayload`: 400 with field errors) and passes unchanged.
 * An error no rule names is the fallback (503: nothing was promised, the caller may
 * retry) and is logged with its stack, which never leaves the process.
 */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter {
  private readonly logger = new Logger(RpcErrorFilter.name);

  constructor(
    private readonly rules: readonly RpcErrorRule[],
    private readonly fallback: RpcFallback,
  ) {}

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => this.toProblem(exception));
  }

  toProblem(exception: unknown): object {
    if (exception instanceof RpcException) return exception.getError() as object;
    const error = exception instanceof Error ? exception : new Error(String(exception));
    const rule = this.rules.find((candidate) => error instanceof candidate.error);
    if (rule)
      return {
        status: rule.status,
        title: rule.title,
        detail: rule.detail ? rule.detail(error) : error.message,
      };
    this.logger.error({ msg: 'request failed', err: error, status: this.fallback.status });
    return { ...this.fallback, detail: error.message };
  }
}
