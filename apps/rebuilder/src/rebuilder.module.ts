import { Module } from '@nestjs/common';
import { KafkaModule, loggingModule, PostgresModule } from '@switchyard/service';
import { config, TOPOLOGY } from './config';
import { RebuildOrdersService } from './rebuilding/rebuild-orders.service';

/**
 * The rebuilder: a one-shot CLI, not a server.
 *
 * - `orders`: replays `switchyard.orders.events` from offset zero into a new version of
 *   the orders read model and swaps it in.
 */
@Module({
  imports: [
    loggingModule('rebuilder', config),
    KafkaModule.forRoot({
      clientId: TOPOLOGY.kafka.clientId('rebuilder'),
      brokers: config.KAFKA_BROKERS,
    }),
    PostgresModule.forRoot({ url: config.DATABASE_URL, applicationName: 'rebuilder' }),
  ],
  providers: [RebuildOrdersService],
})
export class RebuilderModule {}
