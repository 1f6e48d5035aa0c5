import { lessonContext, sharedOptions } from '../__tests__/lesson-context';
import type { ScenarioContext } from '../context';
import { rebalance } from './rebalance';

describe('rebalance: a queue group grows at once, a consumer group rebalances', () => {
  let context: ScenarioContext & { close(): Promise<void> };

  beforeAll(async () => {
    context = await lessonContext();
  });

  afterAll(() => context?.close());

  it('given steady load, when a second member joins each group and then a Kafka member hangs, then only Kafka reassigns, evicts and redelivers', async () => {
    const { nats, kafka } = await rebalance.run(context, {
      ...sharedOptions,
      intervalMs: 5,
      warmup: 60,
      stuck: 1,
    });

    // NATS: the newcomer simply gets messages; nothing is reassigned, lost or doubled.
    expect(nats.processed[1]).toBeGreaterThan(0);
    expect(nats.lost).toBe(0);
    expect(nats.duplicates).toBe(0);

    // Kafka: the join is a rebalance. The first member held both partitions, had to
    // rejoin, and kept one; the newcomer read nothing before that.
    expect(kafka.firstMemberPartitions.before).toEqual([0, 1]);
    expect(kafka.firstMemberPartitions.after).toHaveLength(1);
    expect(kafka.firstMemberJoins).toBeGreaterThanOrEqual(2);
    expect(kafka.processed[1]).toBeGreaterThan(0);

    // A member whose handler hangs past its session timeout is evicted (a rebalance), and
    // rejoins when it returns (another): its uncommitted record is processed twice.
    expect(kafka.stuck).toBeDefined();
    expect(kafka.stuck!.rebalances).toBeGreaterThanOrEqual(2);
    expect(kafka.stuck!.reprocessed).toBeGreaterThanOrEqual(1);
  });
});
