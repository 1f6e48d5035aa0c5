import { randomUUID } from 'node:crypto';
import { MessageHeaders } from '@switchyard/contracts';
import {
  BatchConsumer,
  EventProducer,
  KafkaAdmin,
  type ConsumedRecord,
} from '@switchyard/messaging';
import type { ScenarioContext } from '../context';
import {
  countStatuses,
  describeCounts,
  placeOrders,
  waitUntilTerminal,
  type StatusCounts,
} from '../orders';
import { clip, until } from '../poll';
import type { Scenario } from '../scenario';

export interface PoisonMessageOutcome {
  kafka: {
    /** One poison record per partition of the order-events topic. */
    poisonSent: number;
    /** Of those, found in the dead-letter topic, with their reasons. */
    deadLettered: { partition: number; offset: string; reason: string }[];
  };
  jetStream: {
    /** The stream sequence of the malformed payment request. */
    sequence: number;
    /** Its dead letter's reason (from the `DEADLETTERS` stream). */
    reason: string;
    deliveryCount: string;
  };
  /** The valid order placed after the poison, as the read model shows it at the end. */
  nextOrder: StatusCounts;
}

const quiet = { log() {}, warn() {}, error() {} };

/** Reads the dead-letter topic until it holds a record for every key in `keys`. */
async function deadLettersFor(
  context: ScenarioContext,
  keys: Set<string>,
): Promise<ConsumedRecord[]> {
  const found = new Map<string, ConsumedRecord>();
  const group = `${context.topology.kafka.clientId('scenario')}.deadletters.${randomUUID()}`;
  const reader = new BatchConsumer(context.kafka(), {
    groupId: group,
    topic: context.topology.kafka.topics.deadLetters.name,
    fromBeginning: true,
    logger: quiet,
    handle: async (records) => {
      for (const record of records)
        if (record.key && keys.has(record.key)) found.set(record.key, record);
    },
  });
  await reader.start();
  try {
    await until(
      `${keys.size} dead letters on the Kafka dead-letter topic`,
      () => found.size === keys.size,
      60_000,
    );
  } finally {
    await reader.stop();
    const admin = new KafkaAdmin(context.kafka());
    await admin.connect();
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.disconnect();
  }
  return [...found.values()];
}

/**
 * ### poison-message: a poison message must not block a partition (or a queue).
 *
 * Two poisons, one per bus. On Kafka, a record that is not an event envelope lands on
 * every partition of the order-events topic: the projector cannot apply it, so it writes
 * it to the dead-letter topic with the reason and the source offset, commits past it,
 * and keeps projecting. On JetStream, a malformed `PaymentRequested` goes into the
 * payments work queue: payments dead-letters it at once (retrying cannot fix a bad
 * payload) and `term`s it. A valid order placed right after goes through both.
 */
export const poisonMessage: Scenario<PoisonMessageOutcome> = {
  name: 'poison-message',
  claim: 'a poison message must not block a partition',
  summary:
    'a poison record on Kafka and a malformed payment request on JetStream go to dead letters; the next order still flows',
  async run(context: ScenarioContext) {
    const { js, jsm, narrator, topology } = context;
    const runId = randomUUID().slice(0, 8);

    // ### Kafka: one poison record per partition, so whichever partition the next order's
    // events land on, a poison record stands in front of them.
    const { orderEvents } = topology.kafka.topics;
    narrator.step(
      `Writing a poison record (not JSON) to each of the ${orderEvents.partitions} partitions of ${orderEvents.name}`,
    );
    const keys = new Set<string>();
    const producer = new EventProducer(context.kafka());
    await producer.connect();
    try {
      const records = Array.from({ length: orderEvents.partitions }, (_, partition) => {
        const key = `scenario-poison-${runId}-${partition}`;
        keys.add(key);
        return { key, value: `{ this is not an order event (${key})`, partition };
      });
      await producer.send(orderEvents.name, records);
    } finally {
      await producer.disconnect();
    }

    // ### JetStream: a payment request that can never be valid.
    const { paymentRequested } = topology.nats.subjects;
    narrator.step(
      `Publishing a malformed payment request to ${paymentRequested} (JetStream work queue)`,
    );
    const ack = await js.publish(
      paymentRequested,
      JSON.stringify({ type: 'PaymentRequested', data: { amount: 'lots' } }),
    );
    const source = `${ack.stream}:${ack.seq}:${paymentRequested}`;

    narrator.step('Placing one valid order right behind them');
    const next = await placeOrders(context, 1, 'scenario-after-poison');

    const deadLetters = await deadLettersFor(context, keys);
    const kafkaDeadLettered = deadLetters
      .map((record) => ({
        partition: Number(record.headers[MessageHeaders.deadLetterPartition]),
        offset: record.headers[MessageHeaders.deadLetterOffset] ?? '?',
        reason: record.headers[MessageHeaders.deadLetterReason] ?? '(no reason header)',
      }))
      .sort((a, b) => a.partition - b.partition);
    for (const letter of kafkaDeadLettered) {
      narrator.saw(
        `Kafka dead letter from partition ${letter.partition} offset ${letter.offset}: “${clip(letter.reason)}”`,
      );
    }

    const deadLetterSubject = topology.nats.consumers.paymentsWorker.deadLetterSubject;
    const jsDead = await until(
      `the malformed payment request in ${topology.nats.streams.deadLetters.name}`,
      async () => {
        const stored = await jsm.streams.getMessage(topology.nats.streams.deadLetters.name, {
          last_by_subj: deadLetterSubject,
        });
        return stored?.header.get(MessageHeaders.deadLetterSource) === source ? stored : false;
      },
      30_000,
    );
    const jetStream = {
      sequence: ack.seq,
      reason: jsDead.header.get(MessageHeaders.deadLetterReason),
      deliveryCount: jsDead.header.get(MessageHeaders.deliveryCount),
    };
    narrator.saw(
      `JetStream dead letter on ${deadLetterSubject} (from ${ack.stream} seq ${ack.seq}, delivery ${jetStream.deliveryCount}): “${clip(jetStream.reason)}”`,
    );

    const final = await waitUntilTerminal(context, next.orderIds, 60_000);
    const nextOrder = countStatuses(final);
    narrator.saw(`the valid order behind them: ${describeCounts(nextOrder)} in the read model`);
    narrator.conclude(
      `Both poisons were set aside with their reasons (${kafkaDeadLettered.length} Kafka dead letter(s), ` +
        `1 JetStream dead letter after ${jetStream.deliveryCount} delivery), and the order placed ` +
        `right behind them was paid and projected: one bad message blocks nothing.`,
    );
    return {
      kafka: { poisonSent: keys.size, deadLettered: kafkaDeadLettered },
      jetStream,
      nextOrder,
    };
  },
};
