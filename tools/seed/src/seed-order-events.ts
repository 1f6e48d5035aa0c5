import { envelopeHeaders, type OrderEvent } from '@switchyard/contracts';
import type { EventProducer, ProducedRecord } from '@switchyard/messaging';
import { generateOrderEvents, type GeneratorOptions } from './order-lifecycles';

export interface SeedOptions extends GeneratorOptions {
  topic: string;
  /** Records per `send`. Larger batches amortise the round trip (see README: measured). */
  batch: number;
}

export interface SeedResult {
  events: number;
  orders: number;
  /** How many `OrderPlaced` went out as v1, to be upcast on replay. */
  placedV1: number;
  seconds: number;
  eventsPerSecond: number;
}

/** The record the bridge would have produced for this event: same key, headers, timestamp. */
export function toRecord(event: OrderEvent): ProducedRecord {
  return {
    key: event.aggregateId,
    value: JSON.stringify(event),
    headers: envelopeHeaders(event),
    timestamp: Date.parse(event.occurredAt),
  };
}

/**
 * Streams the generated events to Kafka, `batch` records per send, one send at a time.
 *
 * One send in flight is the producer's rule (it is idempotent with
 * `maxInFlightRequests: 1`), and it is also what keeps each order's events in version
 * order on its partition. Throughput comes from the batch size instead (a send of
 * thousands of records is one produce request per broker), and from generating the
 * next batch while the broker is still writing the previous one: a send starts only
 * after the one before it resolved, but generation does not wait for it.
 */
export async function seedOrderEvents(
  producer: Pick<EventProducer, 'send'>,
  options: SeedOptions,
  onProgress: (written: number) => void = () => {},
): Promise<SeedResult> {
  const started = process.hrtime.bigint();
  let written = 0;
  let placedV1 = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const send = async (records: ProducedRecord[]) => {
    await inFlight;
    inFlight = producer.send(options.topic, records).then(() => {
      written += records.length;
      onProgress(written);
    });
    // Awaited before the next send (and at the end); until then a failure must not
    // count as an unhandled rejection, which would end the process without cleanup.
    inFlight.catch(() => {});
  };
  let batch: ProducedRecord[] = [];
  for (const event of generateOrderEvents(options)) {
    if (event.type === 'OrderPlaced' && event.schemaVersion === 1) placedV1 += 1;
    batch.push(toRecord(event));
    if (batch.length >= options.batch) {
      await send(batch);
      batch = [];
    }
  }
  await send(batch);
  await inFlight;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    events: written,
    orders: options.orders,
    placedV1,
    seconds: Math.round(seconds * 100) / 100,
    eventsPerSecond: Math.round(written / seconds),
  };
}
