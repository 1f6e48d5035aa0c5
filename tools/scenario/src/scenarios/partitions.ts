import { EventProducer, KafkaAdmin } from '@switchyard/messaging';
import type { ScenarioContext } from '../context';
import { GroupMember, type Processed } from '../lessons/group-member';
import { lessonRun } from '../lessons/lesson-run';
import { until } from '../poll';
import type { Scenario, ScenarioOptions } from '../scenario';

export interface PartitionsOptions extends ScenarioOptions {
  /** Records produced, spread evenly over the partitions. */
  messages: number;
  /** Members of the one consumer group (more than the partitions, to show the idle one). */
  consumers: number;
}

export interface PartitionsOutcome {
  partitions: number;
  consumers: number;
  produced: number;
  /** Per member, in start order: the partitions it was assigned and what it processed. */
  members: { label: string; partitions: number[]; processed: number }[];
  /** Members that were given no partition, so read nothing: consumers − partitions. */
  idle: number;
  /** Then a busy member leaves: the idle one was a standby. */
  standby: {
    left: string;
    /** The member that was idle: its partitions after the rebalance, and what it read then. */
    label: string;
    partitions: number[];
    processed: number;
  };
}

/**
 * Wait until the group has settled: every member has joined, and the latest assignments
 * do not overlap and together cover every partition. While members join one by one, an
 * early member still holds its old, larger assignment until its next rejoin.
 */
function settled(members: readonly GroupMember[], partitions: number): boolean {
  if (members.some((member) => member.joins === 0)) return false;
  const held = members.flatMap((member) => member.assignment);
  return held.length === partitions && new Set(held).size === partitions;
}

/**
 * ### partitions: the partition count caps a group's parallelism.
 *
 * A topic with three partitions and a group of four consumers. Kafka gives each partition
 * to exactly one member of the group (that is how it keeps per-partition order), so the
 * fourth member gets nothing and reads nothing, however busy the topic. On NATS a queue
 * group has no partitions: a fourth member takes a quarter of the work at once.
 */
export const partitions: Scenario<PartitionsOutcome, PartitionsOptions> = {
  name: 'partitions',
  standalone: true,
  claim: 'under-partitioning caps parallelism',
  summary:
    'three partitions, four consumers in one group: the fourth gets no partition and reads 0 until one leaves',
  flags: [
    { flags: '--messages <n>', description: 'records produced', defaultValue: 300 },
    { flags: '--consumers <n>', description: 'members of the consumer group', defaultValue: 4 },
  ],
  async run(context: ScenarioContext, { messages, consumers }) {
    const { narrator } = context;
    const run = lessonRun();
    const topic = run.names.kafka.topics.partitions;
    const groupId = run.names.kafka.groups.partitions;
    const kafka = context.kafka();
    const admin = new KafkaAdmin(kafka);
    const producer = new EventProducer(kafka);
    const timeline: Processed[] = [];
    const members = Array.from(
      { length: consumers },
      (_, index) =>
        new GroupMember(kafka, {
          label: `consumer ${index + 1}`,
          groupId,
          topic: topic.name,
          timeline,
          // Rejoins on the next heartbeat: the group settles in about a second.
          heartbeatIntervalMs: 500,
        }),
    );
    await admin.connect();
    try {
      narrator.step(`Creating topic ${topic.name} with ${topic.partitions} partitions`);
      await admin.ensureTopics([topic]);
      narrator.step(`Starting ${consumers} consumers in group ${groupId}`);
      await Promise.all(members.map((member) => member.start()));
      await until('the group to settle', () => settled(members, topic.partitions), 60_000);
      for (const member of members)
        narrator.saw(
          `${member.label}: partitions [${member.assignment.join(', ')}]` +
            (member.assignment.length === 0 ? '  ← nothing to read' : ''),
        );

      narrator.step(`Producing ${messages} records, spread evenly over the partitions`);
      await producer.connect();
      const records = Array.from({ length: messages }, (_, index) => ({
        key: `record-${index}`,
        value: JSON.stringify({ index }),
        partition: index % topic.partitions,
      }));
      await producer.send(topic.name, records);
      await until(`all ${messages} records to be processed`, () => timeline.length >= messages);
      const before = members.map((member) => ({
        label: member.label,
        partitions: member.assignment,
        processed: member.processed,
      }));
      for (const member of before)
        narrator.saw(
          `${member.label}: ${member.processed} records from partitions [${member.partitions.join(', ')}]`,
        );

      // ### The idle member is a standby: when a busy one leaves, the group rebalances.
      const leaving = members.find((member) => member.assignment.length > 0)!;
      const standby = members.find((member) => member.assignment.length === 0);
      narrator.step(`${leaving.label} leaves the group; producing ${messages} more records`);
      await leaving.stop();
      const remaining = members.filter((member) => member !== leaving);
      await until(
        'the group to settle without it',
        () => settled(remaining, topic.partitions),
        60_000,
      );
      const standbyBefore = standby?.processed ?? 0;
      await producer.send(topic.name, records);
      await until(
        `the second ${messages} records to be processed`,
        () => timeline.length >= 2 * messages,
      );
      const outcome: PartitionsOutcome = {
        partitions: topic.partitions,
        consumers,
        produced: messages,
        members: before,
        idle: before.filter((member) => member.partitions.length === 0).length,
        standby: {
          left: leaving.label,
          label: standby?.label ?? 'none',
          partitions: standby?.assignment ?? [],
          processed: (standby?.processed ?? 0) - standbyBefore,
        },
      };
      narrator.saw(
        `${outcome.standby.label}: now partitions [${outcome.standby.partitions.join(', ')}], ` +
          `${outcome.standby.processed} of the next ${messages} records`,
      );
      narrator.conclude(
        `${outcome.idle} of ${consumers} consumers got no partition and processed 0 of ` +
          `${messages} records. A partition goes to exactly one member of a group, so a topic ` +
          `with ${topic.partitions} partitions is read by at most ${topic.partitions} consumers at ` +
          `once: the partition count, chosen when the topic was created, caps the group's ` +
          `parallelism. The idle member is only a standby: when ${outcome.standby.left} left, ` +
          `the group rebalanced and it took over a partition. A NATS queue group has no such ` +
          `cap: every new member shares the work at once (npm run scenario -- rebalance).`,
      );
      return outcome;
    } finally {
      await Promise.allSettled(members.map((member) => member.stop()));
      await producer.disconnect().catch(() => undefined);
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.deleteTopics([topic.name]).catch(() => undefined);
      await admin.disconnect();
    }
  },
};
