import {
  consumeKafkaIndexes,
  createTopic,
  deleteTopics,
  plainProducer,
  rawKafka,
  sendOne,
} from '@switchyard/bench';
import { portOf, type Deliver, type SessionContext, type TransportSession } from './transport';

type Member = Awaited<ReturnType<typeof consumeKafkaIndexes>>;

/**
 * ### Kafka: a partitioned log, consumer groups.
 *
 * Sends wait for acks=all. Each fan-out subscriber is a consumer group; its competing
 * consumers are members of that group, one partition each (the topic gets as many
 * partitions as the shape has consumers: fewer would leave members idle). Taking
 * subscriber 0 away disconnects its members; the group's committed offsets stay on the
 * broker, so the members that rejoin read on from there: at-least-once, after a rebalance.
 */
export async function kafkaSession({
  shape,
  names,
  env,
  retentionMs,
}: SessionContext): Promise<TransportSession> {
  const kafka = rawKafka(names.kafka.clientId('trial'), env.KAFKA_BROKERS);
  const topic = names.kafka.topics.trial.name;
  // retention.ms -1 keeps for ever; "none" still has to keep a message until it is read.
  const keepMs = Number.isFinite(retentionMs) ? Math.max(retentionMs, 120_000) : -1;
  await createTopic(kafka, topic, shape.consumers, { 'retention.ms': String(keepMs) });
  const producer = await plainProducer(kafka);
  const groups: Member[][] = [];
  let deliver: Deliver = () => undefined;

  const join = (k: number) =>
    Promise.all(
      Array.from({ length: shape.consumers }, () =>
        consumeKafkaIndexes(kafka, names.kafka.groups.trial(k), topic, (i) => deliver(k, i)),
      ),
    );

  return {
    delivery: 'at-least-once',
    retention: keepMs < 0 ? 'retention.ms -1: forever' : `retention.ms ${keepMs}`,
    fanout: `${shape.fanout} consumer group(s) × ${shape.consumers} member(s), ${shape.consumers} partition(s)`,
    brokerPort: portOf(env.KAFKA_BROKERS.join(','), 9092),
    async start(onDeliver) {
      deliver = onDeliver;
      for (let k = 0; k < shape.fanout; k++) groups[k] = await join(k);
    },
    publish: (body) => sendOne(producer, topic, body),
    async detach() {
      await Promise.all((groups[0] ?? []).map((member) => member.disconnect()));
    },
    async reattach() {
      groups[0] = await join(0);
    },
    async close() {
      await Promise.all(groups.flat().map((member) => member.disconnect()));
      await producer.disconnect();
      await deleteTopics(kafka, [topic]);
      const admin = kafka.admin();
      await admin.connect();
      await admin
        .deleteGroups(groups.map((_, k) => names.kafka.groups.trial(k)))
        .catch(() => undefined);
      await admin.disconnect();
    },
  };
}
