import { Injectable } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import { METRIC_PREFIX } from './metrics-registry';

export type PublishTransport = 'core' | 'jetstream' | 'kafka';

/**
 * ### Messages out: what this service published, by transport and destination.
 *
 * The twin of `switchyard_consumer_received_messages_total` (messages in). What counts as
 * "out" differs per transport, and the help text says so:
 * - JetStream: a publish the stream acknowledged and stored (a `Nats-Msg-Id` duplicate,
 *   answered from the dedupe table, stored nothing and is not counted);
 * - Kafka: records acknowledged by the brokers (`acks=all`);
 * - core NATS: handed to the connection. Nobody confirms it (at-most-once): a count here
 *   with no subscriber listening is a message that went nowhere, by design.
 *
 * `destination` must stay bounded: the stream that stored it, the Kafka topic, or the
 * subject *pattern* of a core publish, never a subject with an order id in it.
 */
@Injectable()
export class PublishMetrics {
  private readonly messages: Counter<'transport' | 'destination'>;

  constructor(registry: Registry) {
    this.messages = new Counter({
      name: `${METRIC_PREFIX}messages_published_total`,
      help: 'Messages this service published: JetStream publishes stored (acked, not duplicates), Kafka records acked, core NATS messages handed to the connection (at-most-once, unconfirmed).',
      labelNames: ['transport', 'destination'],
      registers: [registry],
    });
  }

  published(transport: PublishTransport, destination: string, count = 1): void {
    this.messages.inc({ transport, destination }, count);
  }
}
