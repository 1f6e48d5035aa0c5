import type { NatsConnection } from '@nats-io/transport-node';
import {
  connectRaw,
  consumeJetStreamIndexes,
  createBenchStream,
  deleteBenchStream,
  publishWithAck,
} from '@switchyard/bench';
import { portOf, type Deliver, type SessionContext, type TransportSession } from './transport';

type Stoppable = { stop(): Promise<void> };

/**
 * A puller stopped mid-run leaves the messages it had fetched unacked; the server gives them
 * to another puller after `ack_wait`. Five seconds (not the default 30) keeps a short trial
 * short, and is still far above any delivery time of a healthy run, so nothing is
 * redelivered while consumers keep up.
 */
const ACK_WAIT_MS = 5_000;

/**
 * ### JetStream: a stream stores every message, durable pull consumers read it.
 *
 * Publishes wait for the PubAck (stored on disk first). Each fan-out subscriber is one
 * durable consumer; its competing consumers are pullers on that durable (a work queue).
 * Taking subscriber 0 away stops its pullers; the durable keeps its position on the
 * server, so when they come back they get everything they missed: at-least-once.
 */
export async function jetStreamSession({
  shape,
  names,
  env,
  retentionMs,
}: SessionContext): Promise<TransportSession> {
  const subject = names.nats.subjects.jetstream('trial');
  const publisher: NatsConnection = await connectRaw('trial-js-publisher', env);
  const receiver: NatsConnection = await connectRaw('trial-js-receiver', env);
  // max_age 0 is "forever" to JetStream; "none" keeps messages two minutes, long enough to
  // deliver them, and the dedupe window may not exceed it.
  const keepMs = Number.isFinite(retentionMs) ? Math.max(retentionMs, 120_000) : 0;
  const js = await createBenchStream(publisher, names, {
    maxAgeMs: keepMs,
    duplicateWindowMs: 120_000,
  });
  const pullers: Stoppable[][] = [];
  let deliver: Deliver = () => undefined;

  const pull = (k: number) =>
    Promise.all(
      Array.from({ length: shape.consumers }, () =>
        consumeJetStreamIndexes(
          receiver,
          names,
          subject,
          (i) => deliver(k, i),
          names.nats.consumers.trial(k),
          ACK_WAIT_MS,
        ),
      ),
    );

  return {
    delivery: 'at-least-once',
    retention:
      keepMs === 0 ? 'stream max_age: forever' : `stream max_age ${Math.round(keepMs / 1_000)} s`,
    fanout: `${shape.fanout} durable consumer(s) × ${shape.consumers} puller(s)`,
    brokerPort: portOf(env.NATS_URL, 4222),
    async start(onDeliver) {
      deliver = onDeliver;
      for (let k = 0; k < shape.fanout; k++) pullers[k] = await pull(k);
    },
    publish: (body) => publishWithAck(js, subject, body),
    async detach() {
      await Promise.all((pullers[0] ?? []).map((p) => p.stop()));
    },
    async reattach() {
      pullers[0] = await pull(0);
    },
    async close() {
      await Promise.all(pullers.flat().map((p) => p.stop()));
      await deleteBenchStream(publisher, names);
      await publisher.close();
      await receiver.close();
    },
  };
}
