import { Module, type Type } from '@nestjs/common';
import { ClientsModule, type ClientProxy } from '@nestjs/microservices';
import { MuxedReplyClientNats } from '@switchyard/service';
import { config } from '../config';
import { ConsumerControlClient } from './consumer-control.client';
import { RequestLatency } from './request-latency';
import { NATS_CLIENT, NatsReadiness, ServiceClient } from './service-client';

/**
 * The gateway's way to the services: NATS request-reply through Nest's client, with one
 * reply subscription for all requests instead of one per request (`MuxedReplyClientNats`).
 */
@Module({
  imports: [
    ClientsModule.register([
      {
        name: NATS_CLIENT,
        // Nest types `customClass` as a ClientProxy with no status type; ClientNats has one.
        customClass: MuxedReplyClientNats as unknown as Type<ClientProxy>,
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
