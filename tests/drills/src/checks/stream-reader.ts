import { DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Reads a JetStream stream from `fromSeq` up to its last message with an ordered
 * (ephemeral, flow-controlled) consumer: the way an auditor reads a stream without
 * disturbing its durable consumers. Returns the messages and the next sequence to read,
 * so repeated checks only read what is new.
 */
export async function readStream(
  nc: NatsConnection,
  stream: string,
  fromSeq = 1,
): Promise<{ messages: JsMsg[]; nextSeq: number }> {
  const info = await (await jetstreamManager(nc)).streams.info(stream);
  const lastSeq = info.state.last_seq;
  if (lastSeq < fromSeq || info.state.messages === 0) return { messages: [], nextSeq: fromSeq };
  const consumer = await jetstream(nc).consumers.get(stream, {
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: fromSeq,
  });
  const messages: JsMsg[] = [];
  const iterator = await consumer.consume({ max_messages: 1_000 });
  for await (const message of iterator) {
    messages.push(message);
    if (message.seq >= lastSeq) break;
  }
  await iterator.close();
  return { messages, nextSeq: lastSeq + 1 };
}
