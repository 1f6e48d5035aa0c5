import { Inject, Injectable, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, ensureStream } from '@switchyard/messaging';
import type { ReadinessCheck } from '@switchyard/service';
import { config, TOPOLOGY } from './config';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const JETSTREAM = Symbol('JETSTREAM');

/**
 * The service's own NATS connection, for JetStream and notifications. Nest's NATS
 * microservice has another one for request-reply; keeping them apart means draining
 * one at shutdown does not cut the other mid-reply.
 */
const natsProviders: Provider[] = [
  {
    provide: NATS_CONNECTION,
    useFactory: async () => {
      const nc = await connectNats({ url: config.NATS_URL, name: 'orders' });
      // The orders service owns the ORDERS stream: it is the only writer.
      await ensureStream(await jetstreamManager(nc), TOPOLOGY.nats.streams.orders);
      return nc;
    },
  },
  {
    provide: JETSTREAM,
    useFactory: (nc: NatsConnection): JetStreamClient => jetstream(nc),
    inject: [NATS_CONNECTION],
  },
];

@Injectable()
export class NatsLifecycle implements OnApplicationShutdown {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  /** Drain: publishes in flight reach the server before the connection closes. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}

@Injectable()
export class NatsReadiness implements ReadinessCheck {
  readonly name = 'nats';

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  /** A round trip to the server (PING/PONG), not just a flag. */
  check(): Promise<void> {
    return this.nc.flush();
  }
}

/** NATS connection + JetStream client, shared by the handlers and the readiness check. */
@Module({
  providers: [...natsProviders, NatsLifecycle, NatsReadiness],
  exports: [...natsProviders, NatsReadiness],
})
export class NatsModule {}
