import type { JetStreamManager, StoredMsg } from '@nats-io/jetstream';

/**
 * ### Every message a stream holds on one subject, oldest first.
 *
 * One `next_by_subj` get per message, from sequence 0: the way to read one entity's
 * history (an order's events, a payment's outcome) without a consumer. Stops asking as
 * soon as the caller stops iterating. (The server has answered `next_by_subj` since 2.9;
 * nats.js types it only for direct gets, hence the variable: a `{ seq }` request to the
 * type checker.)
 */
export async function* subjectMessages(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
): AsyncGenerator<StoredMsg> {
  for (let seq = 0; ;) {
    const next = { seq, next_by_subj: subject };
    const message = await jsm.streams.getMessage(stream, next);
    if (!message) return;
    yield message;
    seq = message.seq + 1;
  }
}
