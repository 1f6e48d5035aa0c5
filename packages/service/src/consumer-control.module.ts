import { hostname } from 'node:os';
import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { BroadcastRouteDefinition } from '@switchyard/contracts';
import { serveConsumerControl } from '@switchyard/messaging';
import {
  CONSUMER_CONTROL_OPTIONS,
  ConsumerRegistry,
  type ConsumerControlOptions,
} from './consumers/consumer-registry';
import { JetStreamConsumerHost } from './consumers/jetstream-consumer-host';
import { NATS_CONNECTION } from './nats.module';

export {
  CONSUMER_CONTROL_OPTIONS,
  ConsumerRegistry,
  type ConsumerControlOptions,
} from './consumers/consumer-registry';

/** Answers pause / resume / status for this instance's registered consumers. */
@Injectable()
export class ConsumerControlServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ConsumerControl');
  private subscription: Subscription | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(CONSUMER_CONTROL_OPTIONS) private readonly options: ConsumerControlOptions,
    private readonly registry: ConsumerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const { route, service } = this.options;
    this.subscription = serveConsumerControl(this.nc, {
      subject: route.subject(service),
      service,
      instance: `${hostname()}:${process.pid}`,
      consumers: () => this.registry.all(),
      logger: this.logger,
    });
  }

  /** Stop answering first: a shutting-down instance should not claim consumers. */
  onApplicationShutdown(): void {
    if (!this.nc.isClosed()) this.subscription?.unsubscribe();
  }
}

/**
 * The consumer control plane of one service (docs/adr/0016), the serving side of the
 * catalog's `consumerControl` broadcast route: needs `NatsConnectionModule` for its
 * connection. JetStream consumers run through its `JetStreamConsumerHost`; Kafka ones
 * through `KafkaConsumerHost` (`KafkaModule`); both register with `ConsumerRegistry`.
 */
@Global()
@Module({})
export class ConsumerControlModule {
  static forRoot<R extends BroadcastRouteDefinition>(
    options: ConsumerControlOptions<R>,
  ): DynamicModule {
    if (!options.route.servers.includes(options.service))
      throw new Error(
        `the catalog does not list ${options.service} as a server of ${options.route.name}`,
      );
    const providers = [
      { provide: CONSUMER_CONTROL_OPTIONS, useValue: options },
      ConsumerRegistry,
      ConsumerControlServer,
      JetStreamConsumerHost,
    ];
    return {
      module: ConsumerControlModule,
      providers,
      exports: [ConsumerRegistry, JetStreamConsumerHost],
    };
  }
}
