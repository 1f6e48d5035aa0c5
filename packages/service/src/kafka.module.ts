import {
  Global,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AppName } from '@switchyard/contracts';
import { createKafka, KafkaAdmin, type KafkaClientSecurity } from '@switchyard/messaging';
import { KAFKA, KAFKA_APP, KafkaConsumerHost } from './consumers/kafka-consumer-host';
import type { ReadinessCheck } from './health';

export { KAFKA } from './consumers/kafka-consumer-host';

@Injectable()
export class KafkaReadiness implements ReadinessCheck, OnApplicationShutdown {
  readonly name = 'kafka';

  constructor(private readonly admin: KafkaAdmin) {}

  /** Asks a broker for cluster metadata: a real request, not a flag. */
  check(): Promise<void> {
    return this.admin.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin.disconnect();
  }
}

/**
 * The kafkajs client (kept behind @switchyard/messaging), one admin connection, and the
 * host of the app's Kafka consumers (`KafkaConsumerHost`: declared from the catalog).
 */
@Global()
@Module({})
export class KafkaModule {
  static forRoot(options: {
    app: AppName;
    clientId: string;
    brokers: string[];
    security?: KafkaClientSecurity;
  }): DynamicModule {
    const logger = new Logger('Kafka');
    const { app, ...client } = options;
    const providers = [
      { provide: KAFKA, useFactory: () => createKafka({ ...client, logger }) },
      { provide: KAFKA_APP, useValue: app },
      KafkaConsumerHost,
      {
        provide: KafkaAdmin,
        useFactory: async (kafka: ReturnType<typeof createKafka>) => {
          const admin = new KafkaAdmin(kafka);
          await admin.connect();
          return admin;
        },
        inject: [KAFKA],
      },
      KafkaReadiness,
    ];
    return { module: KafkaModule, providers, exports: providers };
  }
}
