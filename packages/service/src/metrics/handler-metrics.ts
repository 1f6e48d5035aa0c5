import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { NatsContext } from '@nestjs/microservices';
import { Histogram, type Registry } from 'prom-client';
import { finalize, tap, type Observable } from 'rxjs';
import { METRIC_PREFIX } from './metrics-registry';

/** Request-reply and HTTP latencies: 0.5 ms (a local NATS round trip) … 10 s. */
const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** The series of request-reply handlers and HTTP requests. */
@Injectable()
export class HandlerMetrics {
  readonly rpc: Histogram<'subject' | 'outcome'>;
  readonly http: Histogram<'method' | 'route' | 'status_code'>;

  constructor(registry: Registry) {
    this.rpc = new Histogram({
      name: `${METRIC_PREFIX}rpc_handler_duration_seconds`,
      help: 'Time a NATS request-reply handler (@MessagePattern) took, by subject; outcome=error when it threw.',
      labelNames: ['subject', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
    this.http = new Histogram({
      name: `${METRIC_PREFIX}http_request_duration_seconds`,
      help: 'Time from an HTTP request to its response, by route template (never the raw URL) and status code.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
  }
}

/**
 * ### Times every `@MessagePattern` handler (installed as a global interceptor).
 *
 * The label is the subject the handler listens on. Switchyard's request-reply subjects
 * are fixed names from the topology (`orders.cmd.place`): no ids in them, so one series
 * per handler. (A handler on a wildcard subject would need its pattern as the label.)
 * HTTP is timed by a Fastify hook instead (see `HttpMetricsHook`): it also sees 404s and
 * 413s that never reach a Nest handler.
 */
@Injectable()
export class RpcHandlerMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: HandlerMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const rpc = context.switchToRpc().getContext<unknown>();
    const subject = rpc instanceof NatsContext ? rpc.getSubject() : context.getHandler().name;
    const startedAt = process.hrtime.bigint();
    let outcome: 'ok' | 'error' = 'ok';
    return next.handle().pipe(
      tap({ error: () => (outcome = 'error') }),
      // `finalize` runs on complete, error and unsubscribe alike: every request is counted.
      finalize(() => {
        const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
        this.metrics.rpc.observe({ subject, outcome }, seconds);
      }),
    );
  }
}
