import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { envelopeHeaders, type OrderPlaced, type Topology } from '@switchyard/contracts';
import { ensureStream, toNatsHeaders } from '@switchyard/messaging';
import { BENCH_STREAMS } from '../raw/bench-streams';
import { anOrderPlaced } from '@switchyard/testkit';

/** `count` valid, distinct `OrderPlaced` envelopes (one order each), as the orders service writes them. */
export function orderEvents(count: number): OrderPlaced[] {
  return Array.from({ length: count }, () => anOrderPlaced());
}

/**
 * Appends the events to the namespace's `ORDERS` stream, the way the orders service does
 * (one subject per order, envelope headers), with a bounded window of unacknowledged
 * publishes so a large N does not flood the client's buffer.
 */
export async function appendToOrdersStream(
  nc: NatsConnection,
  names: Topology,
  events: OrderPlaced[],
  window = 256,
): Promise<void> {
  await ensureStream(await jetstreamManager(nc), names.nats.streams.orders, BENCH_STREAMS);
  const js = jetstream(nc);
  for (let i = 0; i < events.length; i += window) {
    await Promise.all(
      events.slice(i, i + window).map((event) =>
        js.publish(names.nats.subjects.orderEvents(event.aggregateId), JSON.stringify(event), {
          headers: toNatsHeaders(envelopeHeaders(event)),
          msgID: event.eventId,
        }),
      ),
    );
  }
}

/** The Kafka record the bridge makes of an event: key = order id, headers = envelope, timestamp = occurredAt. */
export function asKafkaRecord(event: OrderPlaced) {
  return {
    key: event.aggregateId,
    value: Buffer.from(JSON.stringify(event)),
    headers: envelopeHeaders(event),
    timestamp: String(Date.parse(event.occurredAt)),
  };
}
