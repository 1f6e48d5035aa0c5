import { randomBytes } from 'node:crypto';
import { topology } from '@switchyard/contracts';
import { ConfigResourceTypes, ConfigSource, type Admin } from 'kafkajs';
import { createKafka } from './kafka';
import { KafkaAdmin } from './kafka-admin';

// This package sits below the testkit, so it reads the broker address itself (same default).
const brokers = (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(',').map((b) => b.trim());
const quiet = { log() {}, warn() {}, error() {} };

/** A logger that keeps what it was told, by level. */
function recordingLogger() {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => lines.push(`${level} ${message}`);
  return { lines, log: at('log'), warn: at('warn'), error: at('error') };
}

/**
 * Acceptance (issue #11, path 2): the backbone topic keeps every event for ever, and a
 * topic that exists with other settings (a 1-hour retention) is corrected on start.
 * Read back with kafkajs' own DescribeConfigs, not through the code under test.
 */
describe('ensureTopics on a real broker: declared configs, reconciled', () => {
  const namespace = `t${randomBytes(5).toString('hex')}`;
  const declared = topology(namespace).kafka.topics.orderEvents;
  const kafka = createKafka({ clientId: namespace, brokers, logger: quiet });
  const admin = new KafkaAdmin(kafka);
  let raw: Admin;

  /** The topic's configs as the broker reports them: value and whether set on the topic. */
  async function brokerConfigs(topic: string) {
    const { resources } = await raw.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    });
    return new Map(
      resources[0]!.configEntries.map((entry) => [
        entry.configName,
        { value: entry.configValue, onTopic: entry.configSource === ConfigSource.TOPIC_CONFIG },
      ]),
    );
  }

  beforeAll(async () => {
    raw = kafka.admin();
    await Promise.all([admin.connect(), raw.connect()]);
  });

  afterAll(async () => {
    await admin.deleteTopics([declared.name, `${declared.name}.new`]);
    await Promise.all([admin.disconnect(), raw.disconnect()]);
  });

  it('given an existing topic with a 1-hour retention, corrects it, logs old → new, keeps other topic configs', async () => {
    // What a topic created by hand, by an older version or by a broker default looks like.
    await raw.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: declared.name,
          numPartitions: 3,
          replicationFactor: 1,
          configEntries: [
            { name: 'retention.ms', value: '3600000' },
            { name: 'segment.bytes', value: '1048576' },
          ],
        },
      ],
    });
    const logger = recordingLogger();

    const results = await admin.ensureTopics([declared], logger);

    const configs = await brokerConfigs(declared.name);
    expect(configs.get('retention.ms')).toEqual({ value: '-1', onTopic: true });
    expect(configs.get('retention.bytes')).toEqual({ value: '-1', onTopic: true });
    expect(configs.get('cleanup.policy')).toEqual({ value: 'delete', onTopic: true });
    expect(configs.get('min.insync.replicas')).toEqual({ value: '1', onTopic: true });
    expect(configs.get('unclean.leader.election.enable')).toEqual({
      value: 'false',
      onTopic: true,
    });
    // AlterConfigs replaces the topic's whole set: what it did not declare is kept.
    expect(configs.get('segment.bytes')).toEqual({ value: '1048576', onTopic: true });
    expect(results).toMatchObject([{ topic: declared.name, created: false }]);
    expect(results[0]!.changed).toContainEqual({
      name: 'retention.ms',
      from: '3600000',
      inherited: false,
      to: '-1',
    });
    expect(logger.lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^warn topic ${declared.name} was not as declared, reconciled: .*retention\\.ms: 3600000 → -1`,
        ),
      ),
    ]);
  });

  it('given the topic as declared, a second start changes nothing and logs nothing', async () => {
    const logger = recordingLogger();
    const [result] = await admin.ensureTopics([declared], logger);
    expect(result).toEqual({ topic: declared.name, created: false, changed: [] });
    expect(logger.lines).toEqual([]);
  });

  it('given no topic, creates it with the declared partitions and configs', async () => {
    const fresh = { ...declared, name: `${declared.name}.new` };
    const logger = recordingLogger();
    const [result] = await admin.ensureTopics([fresh], logger);
    expect(result).toEqual({ topic: fresh.name, created: true, changed: [] });
    const configs = await brokerConfigs(fresh.name);
    for (const [name, value] of Object.entries(declared.configs)) {
      expect([name, configs.get(name)]).toEqual([name, { value, onTopic: true }]);
    }
    expect((await admin.partitionOffsets(fresh.name)).map((p) => p.partition)).toEqual([0, 1, 2]);
    // Nothing left to reconcile after a creation.
    expect(await admin.ensureTopics([fresh])).toEqual([
      { topic: fresh.name, created: false, changed: [] },
    ]);
  });

  it('given fewer partitions than declared, never adds any and reports it as an error', async () => {
    const logger = recordingLogger();
    const [result] = await admin.ensureTopics([{ ...declared, partitions: 5 }], logger);
    expect(result!.partitions).toEqual({ declared: 5, actual: 3 });
    expect(logger.lines).toEqual([
      expect.stringMatching(/^error topic .* has 3 partitions, 5 declared; left as it is/),
    ]);
    const metadata = await raw.fetchTopicMetadata({ topics: [declared.name] });
    expect(metadata.topics[0]!.partitions).toHaveLength(3);
  });
});
