import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { MessageHeaders } from '@switchyard/contracts';
import { fromNatsHeaders, toNatsHeaders } from '@switchyard/messaging';

export interface RedriveOptions {
  deadLetterStream: string;
  /** Only dead letters published on this subject (one consumer's dead letters). */
  deadLetterSubject: string;
  limit: number;
  dryRun: boolean;
}

export interface Redriven {
  deadLetterSequence: number;
  originalSubject: string;
  reason: string;
}

const DEAD_LETTER_HEADERS = new Set<string>([
  MessageHeaders.deadLetterReason,
  MessageHeaders.deadLetterSource,
  MessageHeaders.deliveryCount,
]);

/**
 * ### Redrive: put dead letters back on the subject they came from.
 *
 * Run it once the cause is fixed (the processor is back, a bug is deployed away). Each
 * dead letter is republished with its original payload and headers, under a new
 * `Nats-Msg-Id` (the original id may still be inside the stream's duplicate window and
 * would be dropped as a duplicate), and only then deleted from the dead-letter stream:
 * a crash in between redrives it twice, never loses it; the consumer is idempotent.
 */
export async function redriveDeadLetters(
  nc: NatsConnection,
  options: RedriveOptions,
): Promise<Redriven[]> {
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  // An ordered consumer: ephemeral, in stream order, nothing left behind on the server.
  // A single subject as a string maps to `filter_subject`; an array would need the
  // `filter_subjects` of server 2.10+.
  const consumer = await js.consumers.get(options.deadLetterStream, {
    filter_subjects: options.deadLetterSubject,
  });
  const redriven: Redriven[] = [];
  while (redriven.length < options.limit) {
    const message = await consumer.next({ expires: 1_000 });
    if (!message) break; // nothing more
    const headers = fromNatsHeaders(message.headers);
    const source = headers[MessageHeaders.deadLetterSource] ?? '';
    // `<stream>:<sequence>:<subject>`; subjects cannot contain ':'.
    const originalSubject = source.split(':').slice(2).join(':');
    if (!originalSubject)
      throw new Error(`dead letter ${message.seq} has no source header; refusing to guess`);
    const item = {
      deadLetterSequence: message.seq,
      originalSubject,
      reason: headers[MessageHeaders.deadLetterReason] ?? '',
    };
    if (!options.dryRun) {
      const kept = Object.fromEntries(
        Object.entries(headers).filter(([name]) => !DEAD_LETTER_HEADERS.has(name)),
      );
      await js.publish(originalSubject, message.data, {
        msgID: `redrive:${options.deadLetterStream}:${message.seq}`,
        headers: toNatsHeaders({
          ...kept,
          'sy-redriven-from': `${options.deadLetterStream}:${message.seq}`,
        }),
      });
      await jsm.streams.deleteMessage(options.deadLetterStream, message.seq);
    }
    redriven.push(item);
  }
  return redriven;
}
