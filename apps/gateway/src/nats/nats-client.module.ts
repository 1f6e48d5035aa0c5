import { Module } from '@nestjs/common';
import { RequestReplyModule } from '@switchyard/service';
import { config } from '../config';
import { ConsumerControlClient } from './consumer-control.client';
import { RequestLatency } from './request-latency';
import { NatsReadiness, ServiceClient } from './service-client';

/** The gateway's way to the services: the catalog's routes over NATS request-reply. */
@Module({
  imports: [
    RequestReplyModule.forRoot({
      settings: config,
      app: 'gateway',
      timeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
    }),
  ],
  providers: [ServiceClient, NatsReadiness, RequestLatency, ConsumerControlClient],
  exports: [ServiceClient, NatsReadiness, RequestLatency, ConsumerControlClient],
})
export class NatsClientModule {}
