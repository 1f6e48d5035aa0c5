import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { HandlerMetrics } from './handler-metrics';

/**
 * ### Times every HTTP response with a Fastify `onResponse` hook.
 *
 * The `route` label is Fastify's route template (`/orders/:id`), never the URL: order
 * ids in a label would create one series per order and exhaust Prometheus. A request
 * that matched no route is labelled `unmatched` for the same reason.
 */
@Injectable()
export class HttpMetricsHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: HandlerMetrics,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addHook) return;
    fastify.addHook('onResponse', (request, reply, done) => {
      this.metrics.http.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1_000,
      );
      done();
    });
  }
}
