import { Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { config } from '../config';
import { ConsumerControlClient } from './consumer-control.client';
import { RequestLatency } from './request-latency';
import { NATS_CLIENT, NatsReadiness, ServiceClient } from './service-client';

/** The gateway's way to the services: NATS request-reply through Nest's client. */
@Module({
  imports: [
    ClientsModule.register([
      {
        name: NATS_CLIENT,
        transport: Transport.NATS,
        options: {
          servers: config.NATS_URL.split(','),
          name: 'gateway',
          maxReconnectAttempts: -1,
          reconnectTimeWait: 250,
        },
      },
    ]),
  ],
  providers: [ServiceClient, NatsReadiness, RequestLatency, ConsumerControlClient],
  exports: [ServiceClient, NatsReadiness, RequestLatency, ConsumerControlClient],
})
export class NatsClientModule {}
