import { createKafka, KafkaAdmin } from '@switchyard/messaging';
import { TestNamespace, testEnv, type ServiceProcess } from '@switchyard/testkit';

const quiet = { log() {}, warn() {}, error() {} };

/**
 * Acceptance (issue #11, path 2) through a real service start: the orders topic exists
 * already with a 1-hour retention (created by hand, by an older version, or by a broker
 * default); the projector's start puts it back as declared, keeping every event for ever,
 * and says what it changed. A second start finds nothing to change.
 */
describe('projector start on a topic that is not as declared', () => {
  const suite = new TestNamespace('ret');
  const topic = suite.names.kafka.topics.orderEvents;
  const admin = new KafkaAdmin(
    createKafka({ clientId: 'retention-test', brokers: testEnv.KAFKA_BROKERS, logger: quiet }),
  );

  const retention = async () => {
    const configs = (await admin.topicConfigs([topic.name])).get(topic.name) ?? [];
    const byName = new Map(configs.map((config) => [config.name, config]));
    return {
      'retention.ms': byName.get('retention.ms')?.value,
      'retention.bytes': byName.get('retention.bytes')?.value,
      'cleanup.policy': byName.get('cleanup.policy')?.value,
    };
  };
  const reconciledLines = (service: ServiceProcess) =>
    service.lines().filter((line) => line.includes('was not as declared, reconciled'));

  beforeAll(async () => {
    await admin.connect();
    await admin.ensureTopics([
      { name: topic.name, partitions: topic.partitions, configs: { 'retention.ms': '3600000' } },
    ]);
    expect((await retention())['retention.ms']).toBe('3600000');
  });

  afterAll(async () => {
    await suite.close();
    await admin.disconnect();
  });

  it('corrects the retention on start and logs old → new', async () => {
    const projector = await suite.startOne({ app: 'projector', label: 'projector-first' });

    expect(await retention()).toEqual({
      'retention.ms': '-1',
      'retention.bytes': '-1',
      'cleanup.policy': 'delete',
    });
    const lines = reconciledLines(projector);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`topic ${topic.name} was not as declared`);
    expect(lines[0]).toContain('retention.ms: 3600000 → -1');
    await projector.stop();
  });

  it('changes nothing on the next start', async () => {
    const projector = await suite.startOne({ app: 'projector', label: 'projector-second' });

    expect(reconciledLines(projector)).toEqual([]);
    expect((await retention())['retention.ms']).toBe('-1');
    await projector.stop();
  });
});
