import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import type { MsgHdrs } from '@nats-io/transport-node';
import { context, SpanKind, trace, type Span } from '@opentelemetry/api';
import {
  endSpan,
  fromNatsHeaders,
  startConsumerSpan,
  withCorrelationId,
} from '@switchyard/messaging';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { requestCorrelationId } from './correlation';

/**
 * ### Spans for Nest handlers, installed once for every service by `runService`.
 *
 * - **NATS request-reply** (`@MessagePattern`): a SERVER span per request, child of the
 *   requester's span (its `traceparent` NATS header), with the request's correlation id
 *   bound for the logs. The handler runs inside it, so whatever it publishes next
 *   (JetStream, a saga request) continues the same trace.
 * - **HTTP**: the request span comes from the HTTP instrumentation (`@switchyard/telemetry`);
 *   here it gets its route as its name (`POST /orders`, not `POST`), and the handler runs
 *   with the request's correlation id bound for the logs.
 */
@Injectable()
export class TracingInterceptor implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (execution.getType() === 'rpc') return this.aroundRequest(execution, next);
    if (execution.getType() === 'http') return aroundHttp(execution, next);
    return next.handle();
  }

  private aroundRequest(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rpc = execution.switchToRpc().getContext<Partial<NatsContext>>();
    // Only NATS is used for request-reply here; any other transport passes untraced.
    if (typeof rpc?.getSubject !== 'function' || typeof rpc.getHeaders !== 'function') {
      return next.handle();
    }
    const started = startConsumerSpan(
      { system: 'nats', destination: rpc.getSubject(), kind: SpanKind.SERVER },
      // Nest types NATS headers as `any`; they are nats.js `MsgHdrs`.
      fromNatsHeaders(rpc.getHeaders() as MsgHdrs | undefined),
    );
    // Nest binds the handler to the async context current when `handle()` is called.
    const handled = context.with(started.context, () => next.handle());
    return endWith(handled, started.span);
  }
}

/** Mirrors `source`, ending `span` when it completes, fails or is unsubscribed. */
function endWith<T>(source: Observable<T>, span: Span): Observable<T> {
  return new Observable<T>((subscriber) => {
    let ended = false;
    const end = (error?: unknown) => {
      if (ended) return;
      ended = true;
      endSpan(span, error);
    };
    const subscription = source.subscribe({
      next: (value) => subscriber.next(value),
      error: (error: unknown) => {
        end(error);
        subscriber.error(error);
      },
      complete: () => {
        end();
        subscriber.complete();
      },
    });
    return () => {
      subscription.unsubscribe();
      end();
    };
  });
}

/**
 * Names the HTTP span after its route, and runs the handler with the request's
 * correlation id bound, so the handler's log lines carry it (and the gateway puts the
 * same id on the bus: `requestCorrelationId` writes a new one back to the request).
 */
function aroundHttp(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
  const request = execution.switchToHttp().getRequest<FastifyRequest>();
  const span = trace.getActiveSpan();
  const route = request.routeOptions?.url;
  if (span && route) {
    span.updateName(`${request.method} ${route}`);
    span.setAttribute('http.route', route);
  }
  const correlated = withCorrelationId(context.active(), requestCorrelationId(request.raw));
  return context.with(correlated, () => next.handle());
}

/**
 * Sends the spans still waiting in the exporter's batch when the service shuts down
 * (the last consumer spans end in the shutdown hooks), instead of losing up to one
 * batch delay of them. Without an SDK there is nothing to flush.
 */
@Injectable()
export class SpanFlushOnShutdown implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    const provider = trace.getTracerProvider() as { getDelegate?: () => unknown };
    const delegate = provider.getDelegate?.() as { forceFlush?: () => Promise<void> } | undefined;
    await delegate?.forceFlush?.().catch(() => undefined);
  }
}
