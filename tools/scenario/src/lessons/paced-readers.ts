import { setTimeout as sleep } from 'node:timers/promises';
import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { ScenarioContext } from '../context';

/** A reader that takes `workMs` per message, yielding between messages: it sets its own pace. */
export interface PacedReader {
  /** Distinct sequence numbers read so far. */
  readonly seen: Set<number>;
  stop(): Promise<void>;
}

/** Every lesson message starts with its sequence number. */
export function sequenceOf(data: Uint8Array | Buffer | null): number {
  return Number.parseInt(Buffer.from(data ?? []).toString('latin1', 0, 16), 10);
}

/** Pays for `count` messages of `workMs` each, in sleeps of at least 20 ms (timer granularity). */
function pacer(workMs: number) {
  let owed = 0;
  return async (count: number) => {
    owed += count * workMs;
    if (owed < 20) return;
    const pay = owed;
    owed = 0;
    await sleep(pay);
  };
}

/**
 * A JetStream pull consumer: it asks for the next batch only when it is done with the
 * last, so the server never pushes more than it asked for. Behind, it is just behind: the
 * stream keeps the messages and the consumer's position.
 */
export async function pacedPull(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  durable: string,
  workMs: number,
): Promise<PacedReader> {
  await jsm.consumers.add(stream, {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
  });
  const messages = await (await js.consumers.get(stream, durable)).consume({ max_messages: 100 });
  const seen = new Set<number>();
  const pay = pacer(workMs);
  const loop = (async () => {
    for await (const message of messages) {
      seen.add(sequenceOf(message.data));
      message.ack();
      await pay(1);
    }
  })();
  return {
    seen,
    async stop() {
      await messages.close();
      await loop;
    },
  };
}

/**
 * A Kafka consumer in a group: it fetches when it is ready. Behind, its lag grows; the
 * log keeps the records whatever its pace.
 */
export async function pacedKafka(
  kafka: ReturnType<ScenarioContext['kafka']>,
  topic: string,
  groupId: string,
  workMs: number,
): Promise<PacedReader> {
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
  const seen = new Set<number>();
  const pay = pacer(workMs);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch, heartbeat }) => {
      for (const message of batch.messages) seen.add(sequenceOf(message.value));
      await pay(batch.messages.length);
      await heartbeat();
    },
  });
  return { seen, stop: () => consumer.disconnect() };
}
