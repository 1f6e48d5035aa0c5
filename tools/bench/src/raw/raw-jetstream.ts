import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { BenchTopology, StreamDefinition } from '@switchyard/contracts';
import { ensurePullConsumer, ensureStream } from '@switchyard/messaging';
import { nanos } from '@nats-io/transport-node';
import { BENCH_STREAMS } from './bench-streams';

/**
 * ### Raw JetStream: publish with ack, and a durable pull consumer.
 *
 * The bench stream uses the same settings as the services' streams (file storage,
 * `JETSTREAM_REPLICAS` replicas), created with the same `ensureStream`, so the figures
 * describe what the write side pays per append.
 */
export async function createBenchStream(
  nc: NatsConnection,
  names: BenchTopology,
  limits: Partial<Pick<StreamDefinition, 'maxAgeMs' | 'duplicateWindowMs'>> = {},
): Promise<JetStreamClient> {
  const jsm = await jetstreamManager(nc);
  await ensureStream(jsm, { ...names.nats.streams.bench, ...limits }, BENCH_STREAMS);
  return jetstream(nc);
}

export async function deleteBenchStream(nc: NatsConnection, names: BenchTopology): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(names.nats.streams.bench.name).catch(() => false);
}

/** Publish and wait for the PubAck: the message is stored (on disk) when this resolves. */
export async function publishWithAck(
  js: JetStreamClient,
  subject: string,
  body: string,
): Promise<void> {
  await js.publish(subject, body);
}

/**
 * A durable pull consumer on one subject that calls `onMessage` with each message's
 * index and acks it: the JetStream rung of the latency ladder. Called again with the same
 * `durable`, it adds a competing puller on the same consumer (a work queue). A puller
 * stopped with messages in hand leaves them unacked: the server redelivers them after
 * `ackWaitMs`.
 */
export async function consumeIndexes(
  nc: NatsConnection,
  names: BenchTopology,
  subject: string,
  onMessage: (index: number) => void,
  durable: string = names.nats.consumers.ladder,
  ackWaitMs = 30_000,
): Promise<{ stop(): Promise<void> }> {
  const jsm = await jetstreamManager(nc);
  const stream = names.nats.streams.bench.name;
  await ensurePullConsumer(jsm, stream, {
    durable_name: durable,
    filter_subject: subject,
    max_deliver: 5,
    ack_wait: nanos(ackWaitMs),
  });
  const consumer = await jetstream(nc).consumers.get(stream, durable);
  const messages = await consumer.consume({ max_messages: 256 });
  const loop = (async () => {
    for await (const msg of messages) {
      onMessage(msg.json<{ i: number }>().i);
      msg.ack();
    }
  })();
  return {
    async stop() {
      await messages.close();
      await loop;
    },
  };
}
