import { setTimeout as sleep } from 'node:timers/promises';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '@switchyard/messaging';
import type { ScenarioContext } from '../context';
import type { LessonRun } from './lesson-run';
import { longestPause } from './group-member';
import { until } from '../poll';

export interface QueueGroupJoin {
  published: number;
  /** Messages each member processed: [the first member, the one that joined]. */
  processed: [number, number];
  /** Sequence numbers nobody received, and received more than once. */
  lost: number;
  duplicates: number;
  /** From "start the new member" (connect included) to its first message. */
  joinToFirstMessageMs: number;
  /** The longest time nobody in the group processed anything, around the join. */
  longestPauseMs: number;
}

interface Member {
  nc: NatsConnection;
  seqs: number[];
  firstAt?: number;
}

async function member(
  context: ScenarioContext,
  subject: string,
  queue: string,
  name: string,
  timeline: { at: number }[],
): Promise<Member> {
  const nc = await connectNats({ settings: context.env, name });
  const joined: Member = { nc, seqs: [] };
  nc.subscribe(subject, {
    queue,
    callback: (error, message) => {
      if (error) return;
      const at = performance.now();
      joined.firstAt ??= at;
      joined.seqs.push(Number(message.string()));
      timeline.push({ at });
    },
  });
  // The subscription (and its queue group) is known to the server from here on.
  await nc.flush();
  return joined;
}

/**
 * ### A NATS queue group grows under load: no protocol, no pause.
 *
 * A publisher sends a numbered message every `intervalMs`; one member of a queue group
 * takes them all. A second member connects and subscribes with the same queue name: the
 * server simply starts choosing between two members for the next message. Nothing is
 * assigned or revoked, so nobody stops; every number arrives exactly once.
 */
export async function queueGroupJoin(
  context: ScenarioContext,
  run: LessonRun,
  { warmup, intervalMs }: { warmup: number; intervalMs: number },
): Promise<QueueGroupJoin> {
  const subject = run.names.nats.subjects.rebalanceWork;
  const queue = run.names.nats.queues.rebalance;
  const timeline: { at: number }[] = [];
  const first = await member(context, subject, queue, 'lesson-rebalance-1', timeline);
  let second: Member | undefined;
  let published = 0;
  let publishing = true;
  const publisher = (async () => {
    while (publishing) {
      published += 1;
      context.nc.publish(subject, String(published));
      await sleep(intervalMs);
    }
  })();
  try {
    await until(`${warmup} messages at the first member`, () => first.seqs.length >= warmup);
    const joinedAt = performance.now();
    second = await member(context, subject, queue, 'lesson-rebalance-2', timeline);
    const newcomer = second;
    await until('the new member’s first message', () => newcomer.firstAt !== undefined);
    // Run on until the new member has had a fair share, then stop and collect the rest.
    await until('both members to share the work', () => newcomer.seqs.length >= warmup / 2);
    const endedAt = performance.now();
    publishing = false;
    await publisher;
    await context.nc.flush();
    await until(
      'every published message to arrive',
      () => first.seqs.length + newcomer.seqs.length >= published,
      10_000,
    ).catch(() => undefined); // what is missing is counted as lost below
    const all = [...first.seqs, ...newcomer.seqs];
    const unique = new Set(all);
    return {
      published,
      processed: [first.seqs.length, newcomer.seqs.length],
      lost: published - unique.size,
      duplicates: all.length - unique.size,
      joinToFirstMessageMs: newcomer.firstAt! - joinedAt,
      longestPauseMs: longestPause(timeline, joinedAt, endedAt),
    };
  } finally {
    publishing = false;
    await publisher;
    await Promise.allSettled([first.nc.close(), second?.nc.close()]);
  }
}
