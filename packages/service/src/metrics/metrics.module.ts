import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Registry } from 'prom-client';
import { OwnedConsumers } from '../consumers/owned-consumers';
import { BrokerStateMetrics } from './broker-state-metrics';
import { ConsumerMetrics } from './consumer-metrics';
import { ConsumerMonitor } from './consumer-monitor';
import { HandlerMetrics, RpcHandlerMetricsInterceptor } from './handler-metrics';
import { HttpMetricsHook } from './http-metrics.hook';
import { MetricsController } from './metrics.controller';
import { createMetricsRegistry } from './metrics-registry';
import { BridgeMetrics, ProjectionMetrics, RebuildMetrics } from './pipeline-metrics';
import { PublishMetrics } from './publish-metrics';

/**
 * `GET /metrics` (Prometheus) for a service: one import line in its module.
 *
 * What gets measured without further code: Node/process metrics, every `@MessagePattern`
 * handler, every HTTP response. A service that runs consumers passes
 * `ConsumerMonitor.jetStream(...)` / `.kafka(...)` as the runner's `observer`; the bridge
 * and the rebuilder feed `BridgeMetrics` / `RebuildMetrics`; whatever publishes counts it
 * with `PublishMetrics`. The list of series is in the
 * package README.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(options: { service: string }): DynamicModule {
    const exported = [
      OwnedConsumers,
      ConsumerMonitor,
      ConsumerMetrics,
      BridgeMetrics,
      ProjectionMetrics,
      RebuildMetrics,
      HandlerMetrics,
      PublishMetrics,
    ];
    const registryBound = [
      ConsumerMetrics,
      BridgeMetrics,
      ProjectionMetrics,
      RebuildMetrics,
      HandlerMetrics,
      PublishMetrics,
    ].map((metrics) => ({
      provide: metrics,
      useFactory: (registry: Registry) => new metrics(registry),
      inject: [Registry],
    }));
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [
        { provide: Registry, useFactory: () => createMetricsRegistry(options.service) },
        ...registryBound,
        OwnedConsumers,
        ConsumerMonitor,
        {
          provide: BrokerStateMetrics,
          useFactory: (registry: Registry, owned: OwnedConsumers) =>
            new BrokerStateMetrics(registry, owned),
          inject: [Registry, OwnedConsumers],
        },
        HttpMetricsHook,
        { provide: APP_INTERCEPTOR, useClass: RpcHandlerMetricsInterceptor },
      ],
      exports: [Registry, ...exported],
    };
  }
}
