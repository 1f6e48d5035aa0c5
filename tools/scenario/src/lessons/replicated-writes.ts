import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { OperationsLessonTopology } from '@switchyard/contracts';
import { type EventProducer, type KafkaAdmin } from '@switchyard/messaging';
import type { ClusterNode } from '@switchyard/testkit';
import { percentile } from '../orders';
import { until } from '../poll';

export interface LatencyPair {
  /** p50 and p99 of the single-replica side, in ms. */
  oneP50Ms: number;
  oneP99Ms: number;
  /** …and of the three-replica side. */
  threeP50Ms: number;
  threeP99Ms: number;
  /** threeP50 / oneP50: what the two extra copies cost a write. */
  p50Ratio: number;
}

const round = (ms: number) => Number(ms.toFixed(2));

/**
 * Times `writes` acknowledged writes to each side, interleaved (one, three, one, three…),
 * so both meet the same machine load: the ratio is the lesson, not either figure.
 */
export async function sideBySide(
  writes: number,
  one: (i: number) => Promise<unknown>,
  three: (i: number) => Promise<unknown>,
): Promise<LatencyPair> {
  const ones: number[] = [];
  const threes: number[] = [];
  const timed = async (write: () => Promise<unknown>, into: number[]) => {
    const started = performance.now();
    await write();
    into.push(performance.now() - started);
  };
  for (let i = 0; i < writes; i += 1) {
    await timed(() => one(i), ones);
    await timed(() => three(i), threes);
  }
  const oneP50Ms = percentile(ones, 50);
  const threeP50Ms = percentile(threes, 50);
  return {
    oneP50Ms: round(oneP50Ms),
    oneP99Ms: round(percentile(ones, 99)),
    threeP50Ms: round(threeP50Ms),
    threeP99Ms: round(percentile(threes, 99)),
    p50Ratio: Number((threeP50Ms / oneP50Ms).toFixed(2)),
  };
}

/** The JetStream side: an R1 and an R3 stream, each PubAck awaited. */
export function jetStreamWrites(js: JetStreamClient, names: OperationsLessonTopology) {
  const { subjects } = names.nats;
  return {
    r1: (i: number) => js.publish(subjects.replicatedR1, `write ${i}`, { msgID: `r1-${i}` }),
    r3: (i: number) => js.publish(subjects.replicatedR3, `write ${i}`, { msgID: `r3-${i}` }),
    /**
     * One write to the R3 stream that must land even while a node is down: the stream's
     * leader may be re-elected meanwhile (503 "no responders" or a timeout), so it retries
     * with the same `Nats-Msg-Id` until a PubAck arrives; the dedupe makes that safe.
     */
    r3Surviving: (msgID: string) =>
      until(
        'a PubAck from the R3 stream',
        async () => {
          const ack = await js.publish(subjects.replicatedR3, msgID, { msgID, timeout: 2_000 });
          return ack.seq;
        },
        60_000,
        250,
      ),
  };
}

/** Messages the stream holds, asked of whichever node answers. */
export async function streamMessages(jsm: JetStreamManager, stream: string): Promise<number> {
  return (await jsm.streams.info(stream)).state.messages;
}

/** The node number (1..3) from a cluster script's server name (`<cluster>-n2`). */
export function natsNodeOf(serverName: string | undefined): ClusterNode {
  return nodeNumber(Number(/-n([1-3])$/.exec(serverName ?? '')?.[1]), `server '${serverName}'`);
}

/** A cluster node's number (1..3), or an error naming what it was read from. */
export function nodeNumber(value: number | undefined, from: string): ClusterNode {
  if (value === 1 || value === 2 || value === 3) return value;
  throw new Error(`cannot tell the node (1..3) of ${from}: got ${value}`);
}

/**
 * The Kafka side: RF1 and RF3 topics of one partition, acks=all, each through a producer of
 * its own (`EventProducer`).
 *
 * Its own, because kafkajs refreshes the metadata of every topic a producer has written to
 * in one request, and gives up on the whole refresh if any partition in the answer has no
 * leader (LEADER_NOT_AVAILABLE). The RF1 topic's only copy lives on one broker: when the
 * SIGKILLed broker is that one, a shared producer could not send to the healthy RF3 topic
 * either ("There is no leader for this topic-partition as we are in the middle of a
 * leadership election", for as long as the broker stays down), although the cluster had
 * elected the RF3 partition's new leader within seconds. One producer per topic keeps the
 * topic with one copy from taking the replicated one down with it.
 */
export function kafkaWrites(
  producers: { rf1: EventProducer; rf3: EventProducer },
  names: OperationsLessonTopology,
) {
  const { topics } = names.kafka;
  return {
    rf1: (i: number) =>
      producers.rf1.send(topics.replicatedRf1.name, [{ key: `k${i}`, value: `write ${i}` }]),
    rf3: (i: number) =>
      producers.rf3.send(topics.replicatedRf3.name, [{ key: `k${i}`, value: `write ${i}` }]),
  };
}

/** Records in a one-partition topic (its high watermark: what every in-sync replica has). */
export async function topicRecords(admin: KafkaAdmin, topic: string): Promise<number> {
  const [partition] = await admin.partitionOffsets(topic);
  return Number((partition?.high ?? 0n) - (partition?.low ?? 0n));
}
