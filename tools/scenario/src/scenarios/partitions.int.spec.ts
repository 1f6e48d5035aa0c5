import { lessonContext, sharedOptions } from '../__tests__/lesson-context';
import type { ScenarioContext } from '../context';
import { partitions } from './partitions';

describe('partitions: the partition count caps a consumer group', () => {
  let context: ScenarioContext & { close(): Promise<void> };

  beforeAll(async () => {
    context = await lessonContext();
  });

  afterAll(() => context?.close());

  it('given 3 partitions and 4 consumers in one group, then one consumer gets no partition and processes 0 records, until a busy one leaves', async () => {
    const outcome = await partitions.run(context, { ...sharedOptions, messages: 90, consumers: 4 });

    expect(outcome.idle).toBe(1);
    const idle = outcome.members.filter((member) => member.partitions.length === 0);
    expect(idle).toHaveLength(1);
    expect(idle[0]!.processed).toBe(0);
    // The three others hold one partition each and read exactly its 30 records.
    const busy = outcome.members.filter((member) => member.partitions.length > 0);
    expect(busy.map((member) => member.partitions.length)).toEqual([1, 1, 1]);
    expect(busy.map((member) => member.processed)).toEqual([30, 30, 30]);
    expect(outcome.members.reduce((sum, member) => sum + member.processed, 0)).toBe(90);
    // When a busy member leaves, the idle one takes over a partition and reads its new 30.
    expect(outcome.standby.label).toBe(idle[0]!.label);
    expect(outcome.standby.partitions).toHaveLength(1);
    // At least: what the leaver had not committed yet would be read again (at-least-once).
    expect(outcome.standby.processed).toBeGreaterThanOrEqual(30);
  });
});
