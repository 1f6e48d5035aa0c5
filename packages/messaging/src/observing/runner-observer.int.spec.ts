import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '../nats/connect';
import { startDurableWorker } from '../nats/durable-worker';
import type { PullConsumerRunner } from '../nats/pull-consumer-runner';
import { ensureStream } from '../nats/streams';
import type { ConsumerObserver, SettleOutcome } from './consumer-observer';

// This package sits below the testkit, so it reads the server address itself (same default).
const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/**
 * Records what the runner reports, the way the Prometheus adapter would count it. It only
 * records: the runner calls `handled` from a `finally` and logs what it throws, so an
 * `expect` in here would fail into the logger and the test would pass anyway. The test
 * asserts on what was recorded, after the fact.
 */
function recordingObserver() {
  const counts = { received: 0, redelivered: 0, batches: 0, failedBatches: 0 };
  const settled: Record<SettleOutcome, number> = { ack: 0, nak: 0, dead_letter: 0 };
  const handlerSeconds: number[] = [];
  const observer: ConsumerObserver = {
    received: (count, redelivered) => {
      counts.received += count;
      counts.redelivered += redelivered;
    },
    handled: (seconds, failed) => {
      handlerSeconds.push(seconds);
      counts.batches += 1;
      if (failed) counts.failedBatches += 1;
    },
    settled: (outcome, count) => (settled[outcome] += count),
  };
  return { observer, counts, settled, handlerSeconds };
}

describe('PullConsumerRunner reports to its observer (real JetStream)', () => {
  const suffix = randomBytes(5).toString('hex');
  const stream = `T${suffix}_OBSERVED`;
  const subject = `t${suffix}.work`;
  const deadLetterSubject = `t${suffix}.dead`;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let runner: PullConsumerRunner | undefined;

  beforeAll(async () => {
    nc = await connectNats({ settings: { NATS_URL: url }, name: 'observer-test' });
    jsm = await jetstreamManager(nc);
    await ensureStream(
      jsm,
      {
        name: stream,
        subjects: [subject, deadLetterSubject],
        duplicateWindowMs: 60_000,
        maxAgeMs: 0,
        maxBytes: 64 * 1024 * 1024,
        discard: 'old',
      },
      { replicas: 1, logger: { log() {}, warn() {} } },
    );
  });

  afterAll(async () => {
    await runner?.stop();
    await jsm.streams.delete(stream).catch(() => false);
    await nc.close();
  });

  it('counts received, redelivered, acked, nak-ed and dead-lettered messages', async () => {
    const { observer, counts, settled, handlerSeconds } = recordingObserver();
    const js = jetstream(nc);
    await js.publish(subject, 'retry-once');
    await js.publish(subject, 'poison');

    runner = await startDurableWorker(js, jsm, {
      stream,
      durable: 'OBSERVED',
      filterSubject: subject,
      maxDeliver: 3,
      ackWaitMs: 30_000,
      deadLetterSubject,
      fetchExpiresMs: 1_000,
      logger: { log() {}, warn() {}, error() {} },
      observer,
      handle: async (messages) =>
        messages.map((message) => {
          if (message.string() === 'poison') return { kind: 'dead-letter', reason: 'poison' };
          return message.info.deliveryCount === 1
            ? { kind: 'nak', delayMs: 0, reason: 'first try fails' }
            : { kind: 'ack' };
        }),
    });

    const deadline = Date.now() + 15_000;
    while (settled.ack < 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    expect(settled).toEqual({ ack: 1, nak: 1, dead_letter: 1 });
    expect(counts.received).toBe(3);
    expect(counts.redelivered).toBe(1);
    expect(counts.failedBatches).toBe(0);
    expect(counts.batches).toBeGreaterThanOrEqual(2);
    // One duration per handled batch, each a real duration (not NaN, not negative).
    expect(handlerSeconds).toHaveLength(counts.batches);
    for (const seconds of handlerSeconds) {
      expect(Number.isFinite(seconds)).toBe(true);
      expect(seconds).toBeGreaterThanOrEqual(0);
    }
  });
});
