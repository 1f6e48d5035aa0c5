import { randomBytes } from 'node:crypto';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connectNats } from './connect';
import { jetStreamConsumerState } from './consumer-state';
import { ensurePullConsumer, ensureStream } from './streams';

// This package sits below the testkit, so it reads the server address itself (same default).
const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

describe('jetStreamConsumerState on a real server', () => {
  const suffix = randomBytes(5).toString('hex');
  const stream = `T${suffix}_STATE`;
  const subject = `t${suffix}.state`;
  const durable = 'WORKER';
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    nc = await connectNats({ settings: { NATS_URL: url }, name: 'consumer-state-test' });
    jsm = await jetstreamManager(nc);
    await ensureStream(
      jsm,
      {
        name: stream,
        subjects: [subject],
        retention: 'limits',
        duplicateWindowMs: 60_000,
        maxAgeMs: 0,
        maxBytes: 64 * 1024 * 1024,
        discard: 'old',
      },
      { replicas: 1, logger: { log() {}, warn() {} } },
    );
  });

  afterAll(async () => {
    await jsm.streams.delete(stream).catch(() => false);
    await nc.close();
  });

  it('is undefined before the consumer exists', async () => {
    await expect(jetStreamConsumerState(jsm, stream, durable)).resolves.toBeUndefined();
    await expect(jetStreamConsumerState(jsm, `${stream}_NONE`, durable)).resolves.toBeUndefined();
  });

  it('shows work waiting for an offline consumer, then what is delivered but not acked', async () => {
    await ensurePullConsumer(jsm, stream, {
      durable_name: durable,
      max_deliver: 3,
      ack_wait: nanos(30_000),
    });
    const js = jetstream(nc);
    for (let i = 0; i < 3; i++) await js.publish(subject, `m${i}`);

    // Nobody pulls: the server holds all three.
    await expect(jetStreamConsumerState(jsm, stream, durable)).resolves.toEqual({
      numPending: 3,
      numAckPending: 0,
      numRedelivered: 0,
      delivered: 0,
    });

    const consumer = await js.consumers.get(stream, durable);
    const message = await consumer.next({ expires: 5_000 });
    expect(message).not.toBeNull();

    await expect(jetStreamConsumerState(jsm, stream, durable)).resolves.toEqual({
      numPending: 2,
      numAckPending: 1,
      numRedelivered: 0,
      delivered: 1,
    });
    await message?.ackAck();
  });
});
