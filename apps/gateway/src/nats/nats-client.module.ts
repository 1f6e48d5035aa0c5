import { Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { config } from '../config';
import { NATS_CLIENT, NatsReadiness, ServiceClient } from './service-client';

/** The gateway's only way out: NATS request-reply. It never talks to Kafka or Postgres. */
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
  providers: [ServiceClient, NatsReadiness],
  exports: [ServiceClient, NatsReadiness],
})
export class NatsClientModule {}
