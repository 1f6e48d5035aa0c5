import { describeTopicChanges, planTopicConfigs, type DescribedConfig } from './topic-configs';

const declared = { 'cleanup.policy': 'delete', 'retention.ms': '-1' };
const topicLevel = (name: string, value: string | null): DescribedConfig => ({
  name,
  value,
  topicLevel: true,
});
const inherited = (name: string, value: string): DescribedConfig => ({
  name,
  value,
  topicLevel: false,
});

describe('planTopicConfigs', () => {
  it('given a topic set as declared, then nothing changes', () => {
    const plan = planTopicConfigs('t', declared, [
      topicLevel('cleanup.policy', 'delete'),
      topicLevel('retention.ms', '-1'),
      inherited('segment.ms', '604800000'),
    ]);
    expect(plan.changes).toEqual([]);
  });

  it('given a shorter retention on the topic, then it is altered, old → new', () => {
    const plan = planTopicConfigs('t', declared, [
      topicLevel('cleanup.policy', 'delete'),
      topicLevel('retention.ms', '3600000'),
    ]);
    expect(plan.changes).toEqual([
      { name: 'retention.ms', from: '3600000', inherited: false, to: '-1' },
    ]);
    expect(describeTopicChanges(plan.changes)).toBe('retention.ms: 3600000 → -1');
  });

  it('given a declared value only inherited from the broker, then it is pinned on the topic', () => {
    const plan = planTopicConfigs('t', declared, [
      inherited('cleanup.policy', 'delete'),
      topicLevel('retention.ms', '-1'),
    ]);
    expect(describeTopicChanges(plan.changes)).toBe('cleanup.policy: delete (inherited) → delete');
  });

  it('sends the declared configs and keeps every other topic-level config (AlterConfigs replaces them all)', () => {
    const plan = planTopicConfigs('t', declared, [
      topicLevel('retention.ms', '3600000'),
      topicLevel('segment.bytes', '1048576'),
      inherited('segment.ms', '604800000'),
    ]);
    expect(plan.desired).toEqual({
      'cleanup.policy': 'delete',
      'retention.ms': '-1',
      'segment.bytes': '1048576',
    });
  });

  it('refuses to erase a sensitive topic-level config whose value it cannot read', () => {
    expect(() => planTopicConfigs('t', declared, [topicLevel('some.secret', null)])).toThrow(
      /sensitive config some.secret/,
    );
  });
});
