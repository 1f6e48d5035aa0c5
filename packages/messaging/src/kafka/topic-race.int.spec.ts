import { randomBytes } from 'node:crypto';
import { topology } from '@switchyard/contracts';
import { createKafka } from './kafka';
import { KafkaAdmin } from './kafka-admin';

const brokers = (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(',').map((b) => b.trim());
const quiet = { log() {}, warn() {}, error() {} };

/**
 * Two instances of a service starting together (`--scale bridge=2`, a rolling deploy, two
 * bridges in a test) both ensure the same topics. The loser of the create race used to read
 * the topic's metadata before the winner's partitions had leaders, got "This server does not
 * host this topic-partition", and its start-up failed (seen in CI: bridge-b exited with 1).
 * Every caller must come out with the topic as declared, whoever created it.
 */
describe('ensureTopics, called by several instances at once', () => {
  const namespace = `t${randomBytes(5).toString('hex')}`;
  const declared = topology(namespace).kafka.topics.orderEvents;
  // One client per "instance": separate connections and metadata caches, as in separate processes.
  const admins = Array.from(
    { length: 4 },
    (_, i) =>
      new KafkaAdmin(createKafka({ clientId: `${namespace}-${i}`, brokers, logger: quiet })),
  );
  const topics = Array.from({ length: 6 }, (_, i) => ({
    ...declared,
    name: `${declared.name}.race${i}`,
  }));

  beforeAll(async () => {
    await Promise.all(admins.map((admin) => admin.connect()));
  });

  const cleanup = topics.map((topic) => topic.name);

  afterAll(async () => {
    await admins[0]!.deleteTopics(cleanup);
    await Promise.all(admins.map((admin) => admin.disconnect()));
  });

  it('reconciles a topic another process created a moment ago, before its partitions have leaders', async () => {
    const raw = createKafka({ clientId: `${namespace}-raw`, brokers, logger: quiet }).admin();
    await raw.connect();
    try {
      for (const [i, topic] of topics.entries()) {
        const fresh = { ...topic, name: `${topic.name}.early${i}` };
        cleanup.push(fresh.name);
        // What the winner of the race has done when the loser lists the topics: created,
        // leaders not elected yet.
        await raw.createTopics({
          waitForLeaders: false,
          topics: [{ topic: fresh.name, numPartitions: fresh.partitions }],
        });
        const [result] = await admins[1]!.ensureTopics([fresh], quiet);
        expect(result!.created).toBe(false);
      }
    } finally {
      await raw.disconnect();
    }
  });

  it('every instance gets each fresh topic as declared, none fails', async () => {
    for (const topic of topics) {
      const results = await Promise.allSettled(
        admins.map((admin) => admin.ensureTopics([topic], quiet)),
      );
      const failures = results.flatMap((result) =>
        result.status === 'rejected' ? [`${topic.name}: ${String(result.reason)}`] : [],
      );
      expect(failures).toEqual([]);
      const created = results.filter(
        (result) => result.status === 'fulfilled' && result.value[0]!.created,
      );
      // Exactly one instance created it; the others found it and reconciled nothing.
      expect(created).toHaveLength(1);
    }
  });
});
