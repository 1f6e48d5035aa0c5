import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { MessageHeaders, type DeadLetterSource } from '@switchyard/contracts';
import { fromNatsHeaders, toNatsHeaders } from './envelope-headers';

export interface RedriveOptions {
  deadLetterStream: string;
  /** Which consumer's dead letters, and where they go back to. */
  source: DeadLetterSource;
  limit: number;
  dryRun: boolean;
}

export interface Redriven {
  deadLetterSequence: number;
  /** Where the message was published when it failed. */
  originalSubject: string;
  /** Where the redrive put it (or would put it, on a dry run). */
  target: string;
  reason: string;
}

/** Added by the dead-lettering; a redriven message starts clean (it gets new ones if it fails again). */
const DEAD_LETTER_HEADERS = new Set<string>([
  MessageHeaders.deadLetterReason,
  MessageHeaders.deadLetterSource,
  MessageHeaders.deliveryCount,
]);

/** Marks a redriven message: `<dead-letter stream>:<sequence>` it came back from. */
export const REDRIVEN_FROM_HEADER = 'sy-redriven-from';

/**
 * ### Redrive: put one consumer's dead letters back where that consumer reads them.
 *
 * Run it once the cause is fixed (the processor is back, inventory is up, a bug is
 * deployed away). Where they go depends on the source (contracts' `deadLetterSources`):
 * - a **work queue** (`payments.requested`): back on the original subject. The original
 *   message is gone from the queue, so nobody else sees it twice.
 * - an **event log** (`orders.events.<id>` read by the saga, the deadline or the bridge):
 *   NOT the original subject: that would append the same fact to the order's history a
 *   second time, for every reader. It goes to `redrive.<source>` (stream `REDRIVES`),
 *   read by a second durable of the same consumer, with the same handler.
 *
 * Each dead letter is republished with its original payload and headers, under a new
 * `Nats-Msg-Id` (the original id may still be inside the duplicate window and would be
 * dropped), and only then deleted from the dead-letter stream: a crash in between
 * redrives it twice, never loses it; every consumer here is idempotent.
 */
export async function redriveDeadLetters(
  nc: NatsConnection,
  options: RedriveOptions,
): Promise<Redriven[]> {
  const { deadLetterStream, source, limit, dryRun } = options;
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  // An ordered consumer: ephemeral, in stream order, nothing left behind on the server.
  // A single subject as a string maps to `filter_subject`; an array would need the
  // `filter_subjects` of server 2.10+.
  const consumer = await js.consumers.get(deadLetterStream, {
    filter_subjects: source.deadLetterSubject,
  });
  const redriven: Redriven[] = [];
  while (redriven.length < limit) {
    const message = await consumer.next({ expires: 1_000 });
    if (!message) break; // nothing more
    const headers = fromNatsHeaders(message.headers);
    const from = headers[MessageHeaders.deadLetterSource] ?? '';
    // `<stream>:<sequence>:<subject>`; subjects cannot contain ':'.
    const originalSubject = from.split(':').slice(2).join(':');
    if (!originalSubject)
      throw new Error(`dead letter ${message.seq} has no source header; refusing to guess`);
    const target = source.redriveSubject ?? originalSubject;
    const item = {
      deadLetterSequence: message.seq,
      originalSubject,
      target,
      reason: headers[MessageHeaders.deadLetterReason] ?? '',
    };
    if (!dryRun) {
      const kept = Object.fromEntries(
        Object.entries(headers).filter(([name]) => !DEAD_LETTER_HEADERS.has(name)),
      );
      await js.publish(target, message.data, {
        msgID: `redrive:${deadLetterStream}:${message.seq}`,
        headers: toNatsHeaders({
          ...kept,
          [REDRIVEN_FROM_HEADER]: `${deadLetterStream}:${message.seq}`,
        }),
      });
      await jsm.streams.deleteMessage(deadLetterStream, message.seq);
    }
    redriven.push(item);
  }
  return redriven;
}

/** How many dead letters wait per source (`--list`): one subject count per source. */
export async function countDeadLetters(
  nc: NatsConnection,
  deadLetterStream: string,
  sources: readonly DeadLetterSource[],
): Promise<Array<{ source: string; count: number }>> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(deadLetterStream, { subjects_filter: '>' });
  const perSubject = info.state.subjects ?? {};
  return sources.map(({ source, deadLetterSubject }) => ({
    source,
    count: perSubject[deadLetterSubject] ?? 0,
  }));
}
