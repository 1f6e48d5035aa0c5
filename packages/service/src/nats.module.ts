import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, type NatsSettings } from '@switchyard/messaging';
import type { ReadinessCheck } from './health';

export const NATS_CONNECTION = Symbol('switchyard:nats-connection');
export const JETSTREAM = Symbol('switchyard:jetstream');
export const JETSTREAM_MANAGER = Symbol('switchyard:jetstream-manager');

@Injectable()
export class NatsLifecycle implements OnApplicationShutdown {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  /** Drain, not close: publishes and acks in flight reach the server first. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}

@Injectable()
export class NatsReadiness implements ReadinessCheck {
  readonly name = 'nats';

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  /** A real round trip (PING/PONG), not just a connection flag. */
  check(): Promise<void> {
    return this.nc.flush();
  }
}

/**
 * The service's own NATS connection, for JetStream and core publishes. (Nest's NATS
 * microservice opens another one for request-reply: draining one at shutdown then
 * never cuts the other mid-reply.)
 */
@Global()
@Module({})
export class NatsConnectionModule {
  static forRoot(options: { settings: NatsSettings; name: string }): DynamicModule {
    const providers = [
      { provide: NATS_CONNECTION, useFactory: () => connectNats(options) },
      {
        provide: JETSTREAM,
        useFactory: (nc: NatsConnection) => jetstream(nc),
        inject: [NATS_CONNECTION],
      },
      {
        provide: JETSTREAM_MANAGER,
        useFactory: (nc: NatsConnection) => jetstreamManager(nc),
        inject: [NATS_CONNECTION],
      },
      NatsLifecycle,
      NatsReadiness,
    ];
    return { module: NatsConnectionModule, providers, exports: providers };
  }
}
