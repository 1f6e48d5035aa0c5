import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { kafkaConnection } from '@switchyard/config';
import { createKafka, KafkaAdmin } from '@switchyard/messaging';
import { config, TOPOLOGY } from '../config';

/**
 * ### The gateway's one Kafka connection: an admin client, for the dashboard only
 *
 * Connected on first use, not at start-up. The gateway's job is the fast path (HTTP →
 * NATS); it must start and take orders while Kafka is down, which is one of the lessons.
 * So Kafka is neither a start-up dependency nor a readiness check here: when it is
 * unreachable the overview says so in its Kafka panels, and everything else keeps working.
 */
@Injectable()
export class KafkaProbe implements OnApplicationShutdown {
  private readonly logger = new Logger(KafkaProbe.name);
  private admin?: Promise<KafkaAdmin>;

  /** The connected admin client; a failed connect is retried on the next call. */
  connected(): Promise<KafkaAdmin> {
    this.admin ??= (async () => {
      const admin = new KafkaAdmin(
        createKafka({
          clientId: TOPOLOGY.kafka.clientId('gateway-overview'),
          ...kafkaConnection(config),
          logger: this.logger,
        }),
      );
      await admin.connect();
      return admin;
    })();
    this.admin.catch(() => (this.admin = undefined));
    return this.admin;
  }

  async onApplicationShutdown(): Promise<void> {
    const admin = await this.admin?.catch(() => undefined);
    await admin?.disconnect();
  }
}
