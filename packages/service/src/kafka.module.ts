import {
  Global,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { createKafka, KafkaAdmin, type KafkaClientSecurity } from '@switchyard/messaging';
import type { ReadinessCheck } from './health';

export const KAFKA = Symbol('switchyard:kafka');

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

/** The kafkajs client (kept behind @switchyard/messaging) and one admin connection. */
@Global()
@Module({})
export class KafkaModule {
  static forRoot(options: {
    clientId: string;
    brokers: string[];
    security?: KafkaClientSecurity;
  }): DynamicModule {
    const logger = new Logger('Kafka');
    const providers = [
      { provide: KAFKA, useFactory: () => createKafka({ ...options, logger }) },
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
