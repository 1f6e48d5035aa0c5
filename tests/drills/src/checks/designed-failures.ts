import type { JetStreamClient } from '@nats-io/jetstream';
import type { Topology } from '@switchyard/contracts';
import { createKafka, EventProducer } from '@switchyard/messaging';

const quiet = { log() {}, warn() {}, error() {} };

/**
 * ### Messages designed to dead-letter, and nothing else.
 *
 * Each drill slips in a few messages that can never succeed, beside the real load:
 * - a malformed payment request on the payments work queue: payments must dead-letter
 *   it at once (JetStream `DEADLETTERS`, subject `deadletter.payments.requested`);
 * - a record on the Kafka orders topic that is not an event: the projector must put it
 *   on the dead-letter topic and keep the partition moving.
 * The checks then demand that the dead letters hold exactly these: a crash that
 * dead-letters a good message, or loses a bad one, fails the drill.
 */
export class DesignedFailures {
  readonly paymentMarkers: string[] = [];
  readonly poisonKeys: string[] = [];
  private readonly producer: EventProducer;

  constructor(
    private readonly js: JetStreamClient,
    brokers: string[],
    private readonly names: Topology,
  ) {
    this.producer = new EventProducer(
      createKafka({ clientId: 'drill-poison', brokers, logger: quiet }),
    );
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async inject(label: string): Promise<void> {
    const marker = `drill-malformed-${label}`;
    await this.js.publish(
      this.names.nats.subjects.paymentRequested,
      JSON.stringify({ drill: marker, note: 'not a PaymentRequested' }),
      { msgID: marker },
    );
    this.paymentMarkers.push(marker);

    const key = `drill-poison-${label}`;
    await this.producer.send(this.names.kafka.topics.orderEvents.name, [
      { key, value: `{"this is": not an event (${label})` },
    ]);
    this.poisonKeys.push(key);
  }
}
