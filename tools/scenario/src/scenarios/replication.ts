import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { operationsLessonTopology } from '@switchyard/contracts';
import {
  connectNats,
  createKafka,
  ensureStream,
  EventProducer,
  KafkaAdmin,
} from '@switchyard/messaging';
import { uniqueNamespace } from '@switchyard/testkit';
import { clusterScript, type ClusterControl } from '../lessons/cluster-scripts';
import { createOneCopyTopicOn } from '../lessons/one-copy-topic';
import {
  jetStreamWrites,
  kafkaWrites,
  natsNodeOf,
  nodeNumber,
  sideBySide,
  streamMessages,
  topicRecords,
  type LatencyPair,
} from '../lessons/replicated-writes';
import { seconds, until } from '../poll';
import type { Scenario, ScenarioOptions } from '../scenario';

export interface ReplicationOptions {
  /** Writes per side (R1 and R3, RF1 and RF3). */
  writes: number;
  /** The NATS cluster's servers (default: `npm run brokers -- up --cluster`'s). */
  clusterNats: string;
  /** The Kafka cluster's bootstrap brokers. */
  clusterKafka: string;
  /**
   * How to kill and restart a node of each (no flag: a test passes the clusters it
   * started). Default: the scripts, with this process's SWITCHYARD_LOCAL_DIR and
   * NATS_CLUSTER_BASE_PORT / KAFKA_CLUSTER_BASE_PORT.
   */
  natsNodes?: ClusterControl;
  kafkaNodes?: ClusterControl;
}

export interface SurvivedKill {
  /** The node that led the R3 stream / the RF3 partition, SIGKILLed. */
  killedNode: number;
  /** Acknowledged writes before the kill, and what the survivors hold after it. */
  before: number;
  after: number;
  /** One more write after the kill: how long until it was acknowledged (leader re-election). */
  writeAfterKillMs: number;
}

export interface KafkaKill extends SurvivedKill {
  /**
   * The node holding the RF1 topic's only copy. When it is the killed node, that topic has
   * no leader until the node is back: the cost of one copy.
   */
  oneCopyNode: number;
}

export interface ReplicationOutcome {
  writes: number;
  /** JetStream publish, R1 (one) vs R3 (three). */
  jetStream: LatencyPair;
  /** Kafka acks=all, RF1 (one) vs RF3 (three, min.insync.replicas 2). */
  kafka: LatencyPair;
  natsKill: SurvivedKill;
  kafkaKill: KafkaKill;
}

const quiet = { log() {}, warn() {}, error() {} };

/**
 * ### replication: a copy on three nodes costs a round trip, and survives a crash.
 *
 * On the clusters of `npm run brokers -- up --cluster`: acknowledged writes to an R1 and an
 * R3 stream, and to an RF1 and an RF3 topic with acks=all, timed side by side (the ratio is
 * the lesson). Then the node leading the R3 stream, and the broker leading the RF3
 * partition, is SIGKILLed: every acknowledged write is still there, a new write succeeds
 * once a new leader is elected, and the node is started again. The RF1 topic's only copy
 * is on that same broker: it has no leader at all until the broker is back.
 */
export const replication: Scenario<ReplicationOutcome, ScenarioOptions & ReplicationOptions> = {
  name: 'replication',
  claim:
    'replication costs latency: acks=all grows with the replication factor; JetStream R3 vs R1',
  summary:
    'R1 vs R3 JetStream and RF1 vs RF3 Kafka writes side by side on the local clusters; an R3 write survives SIGKILL of its leader',
  standalone: true,
  flags: [
    { flags: '--writes <n>', description: 'acknowledged writes per side', defaultValue: 200 },
    {
      flags: '--cluster-nats <urls>',
      description: 'the NATS cluster (env NATS_CLUSTER_URL)',
      defaultValue:
        process.env.NATS_CLUSTER_URL ??
        'nats://127.0.0.1:24222,nats://127.0.0.1:24223,nats://127.0.0.1:24224',
      text: true,
    },
    {
      flags: '--cluster-kafka <brokers>',
      description: 'the Kafka cluster (env KAFKA_CLUSTER_BROKERS)',
      defaultValue:
        process.env.KAFKA_CLUSTER_BROKERS ?? 'localhost:29092,localhost:29093,localhost:29094',
      text: true,
    },
  ],
  async run(context, { writes, clusterNats, clusterKafka, natsNodes, kafkaNodes }) {
    const { narrator, repoRoot } = context;
    const names = operationsLessonTopology(uniqueNamespace('l'));
    const { streams } = names.nats;
    const { topics } = names.kafka;
    narrator.step(
      `Connecting to the NATS cluster ${clusterNats} and the Kafka cluster ${clusterKafka}`,
    );
    const nc: NatsConnection = await connectNats({
      settings: { NATS_URL: clusterNats },
      name: 'lesson-replication',
    });
    const jsm = await jetstreamManager(nc);
    const kafka = createKafka({
      clientId: names.kafka.clientId('replication'),
      brokers: clusterKafka.split(','),
      logger: quiet,
    });
    const admin = new KafkaAdmin(kafka);
    // A producer per topic: see kafkaWrites for why sharing one fails when a broker dies.
    const producers = { rf1: new EventProducer(kafka), rf3: new EventProducer(kafka) };
    const js = jetStreamWrites(jetstream(nc), names);
    const sends = kafkaWrites(producers, names);
    try {
      await admin.connect();
      await Promise.all([producers.rf1.connect(), producers.rf3.connect()]);
      await ensureStream(jsm, streams.replicatedR1, { replicas: 1, logger: quiet });
      await ensureStream(jsm, streams.replicatedR3, { replicas: 3, logger: quiet });
      // On three brokers a new topic's leaders take a moment to be known everywhere: kafkajs'
      // createTopics gives up with "does not host this topic-partition"; ensureTopics is
      // idempotent, so ask again until it succeeds.
      await until(
        'the RF3 topic to have a leader',
        async () => {
          // acks=all waits for every in-sync replica; min.insync.replicas 2 lets one be down.
          await admin.ensureTopics([
            {
              ...topics.replicatedRf3,
              replicationFactor: 3,
              configs: { 'min.insync.replicas': '2' },
            },
          ]);
          return true;
        },
        60_000,
        500,
      );
      // The RF1 topic's only copy goes on the broker that leads the RF3 partition: the same
      // broker answers both sides' writes (a fair comparison), and the SIGKILL below takes
      // the one copy down with it, every run.
      const rf3Leader = await until(
        `the leader of ${topics.replicatedRf3.name}`,
        async () => {
          const leader = (await admin.partitionLeaders(topics.replicatedRf3.name)).get(0);
          return leader !== undefined && leader > 0 ? leader : undefined; // -1: none yet
        },
        60_000,
        500,
      );
      await until(
        `${topics.replicatedRf1.name} to have its only copy, and leader, on node ${rf3Leader}`,
        async () => {
          await createOneCopyTopicOn(kafka, topics.replicatedRf1.name, rf3Leader);
          return (await admin.partitionLeaders(topics.replicatedRf1.name)).get(0) === rf3Leader;
        },
        60_000,
        500,
      );

      narrator.step(
        `${writes} JetStream publishes to each of ${streams.replicatedR1.name} (R1) and ${streams.replicatedR3.name} (R3), interleaved`,
      );
      const jetStream = await sideBySide(writes, js.r1, js.r3);
      narrator.saw(describe('R1', 'R3', jetStream));

      narrator.step(
        `${writes} acks=all sends to each of ${topics.replicatedRf1.name} (RF1) and ${topics.replicatedRf3.name} (RF3), interleaved`,
      );
      const kafkaPair = await sideBySide(writes, sends.rf1, sends.rf3);
      narrator.saw(describe('RF1', 'RF3', kafkaPair));

      const natsKill = await killStreamLeader();
      const kafkaKill = await killPartitionLeader();

      narrator.conclude(
        `Three copies cost a replication round trip on every acknowledged write: JetStream R3 ` +
          `took ${jetStream.p50Ratio}× the R1 time at p50, Kafka RF3 ${kafkaPair.p50Ratio}× RF1 ` +
          `(loopback, one machine: on a network each copy adds its link's round trip). What it ` +
          `buys: with the leader SIGKILLed, all ${natsKill.before} R3 messages and all ` +
          `${kafkaKill.before} RF3 records were still there, and new writes were acknowledged ` +
          `after ${seconds(natsKill.writeAfterKillMs)} (JetStream) and ` +
          `${seconds(kafkaKill.writeAfterKillMs)} (Kafka) of leader election.`,
      );
      return { writes, jetStream, kafka: kafkaPair, natsKill, kafkaKill };
    } finally {
      await jsm.streams.delete(streams.replicatedR1.name).catch(() => false);
      await jsm.streams.delete(streams.replicatedR3.name).catch(() => false);
      await admin
        .deleteTopics([topics.replicatedRf1.name, topics.replicatedRf3.name])
        .catch(() => undefined);
      await Promise.all(
        [producers.rf1, producers.rf3].map((producer) =>
          producer.disconnect().catch(() => undefined),
        ),
      );
      await admin.disconnect().catch(() => undefined);
      await nc.close();
    }

    /** SIGKILL the R3 stream's leader; count what the others hold; write again; restart it. */
    async function killStreamLeader(): Promise<SurvivedKill> {
      const stream = streams.replicatedR3.name;
      const before = await streamMessages(jsm, stream);
      const info = await jsm.streams.info(stream);
      const killedNode = natsNodeOf(info.cluster?.leader);
      narrator.step(
        `SIGKILL NATS node ${killedNode}, the leader of ${stream} (${before} messages acknowledged)`,
      );
      const scripts = natsNodes ?? clusterScript(repoRoot, 'nats');
      await scripts.killNode(killedNode);
      const killedAt = performance.now();
      await js.r3Surviving(`after-kill-${killedNode}`);
      const writeAfterKillMs = performance.now() - killedAt;
      const after = await streamMessages(jsm, stream);
      const leader = (await jsm.streams.info(stream)).cluster?.leader;
      narrator.saw(
        `${stream} now led by ${leader}: ${after} messages (${before} + the write after the kill, acknowledged after ${seconds(writeAfterKillMs)})`,
      );
      narrator.step(`Starting NATS node ${killedNode} again`);
      await scripts.startNode(killedNode);
      return { killedNode, before, after, writeAfterKillMs };
    }

    /** SIGKILL the RF3 partition's leader; count the records; send again; restart it. */
    async function killPartitionLeader(): Promise<KafkaKill> {
      const topic = topics.replicatedRf3.name;
      const oneCopy = topics.replicatedRf1.name;
      const before = await topicRecords(admin, topic);
      const killedNode = nodeNumber(
        (await admin.partitionLeaders(topic)).get(0),
        `${topic}'s leader`,
      );
      const oneCopyNode = nodeNumber(
        (await admin.partitionLeaders(oneCopy)).get(0),
        `${oneCopy}'s leader`,
      );
      narrator.step(
        `SIGKILL Kafka node ${killedNode}, the leader of ${topic} (${before} records acknowledged); ` +
          `${oneCopy}'s only copy is on node ${oneCopyNode}`,
      );
      const scripts = kafkaNodes ?? clusterScript(repoRoot, 'kafka');
      await scripts.killNode(killedNode);
      const killedAt = performance.now();
      // kafkajs retries for about 30 s; electing a new leader (and, when the dead broker
      // was the active controller, a new controller first) can take longer on a loaded
      // machine, so send again until acknowledged. Nothing was written by a send that found
      // no leader, so a retry does not duplicate.
      await until(
        `an acks=all send to ${topic} to be acknowledged`,
        async () => {
          await sends.rf3(writes);
          return true;
        },
        120_000,
        500,
      );
      const writeAfterKillMs = performance.now() - killedAt;
      const after = await topicRecords(admin, topic);
      const leader = (await admin.partitionLeaders(topic)).get(0);
      narrator.saw(
        `${topic} now led by node ${leader}: ${after} records (${before} + the send after the kill, acknowledged after ${seconds(writeAfterKillMs)})`,
      );
      if (oneCopyNode === killedNode) {
        narrator.saw(
          `${oneCopy} had its only copy on node ${killedNode}: it has no leader until that node is back, so nothing can be written to it or read from it`,
        );
      }
      narrator.step(`Starting Kafka node ${killedNode} again`);
      await scripts.startNode(killedNode);
      return { killedNode, before, after, writeAfterKillMs, oneCopyNode };
    }
  },
};

function describe(one: string, three: string, pair: LatencyPair): string {
  return (
    `${one}: p50 ${pair.oneP50Ms} ms, p99 ${pair.oneP99Ms} ms; ${three}: p50 ${pair.threeP50Ms} ms, ` +
    `p99 ${pair.threeP99Ms} ms; ${three}/${one} at p50: ${pair.p50Ratio}×`
  );
}
