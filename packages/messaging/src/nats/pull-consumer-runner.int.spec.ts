import { randomBytes } from 'node:crypto';
import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type StoredMsg,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { MessageHeaders } from '@switchyard/contracts';
import { connectNats } from './connect';
import { startDurableWorker } from './durable-worker';
import type { Disposition, PullConsumerRunner } from './pull-consumer-runner';
import { ensurePullConsumer, ensureStream } from './streams';

// This package sits below the testkit, so it reads the server address itself (same default).
const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

async function until<T>(what: string, probe: () => Promise<T | false> | T | false): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every message of `stream`, in order (a handful in these tests). */
async function messagesOf(jsm: JetStreamManager, stream: string): Promise<StoredMsg[]> {
  const { state } = await jsm.streams.info(stream);
  const messages: StoredMsg[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    const message = await jsm.streams.getMessage(stream, { seq });
    if (message) messages.push(message);
  }
  return messages;
}

const quiet = { log() {}, warn() {} };
const limits = { maxAgeMs: 0, maxBytes: 64 * 1024 * 1024, discard: 'new' } as const;
const ensured = { replicas: 1, logger: quiet };

/**
 * The runner's promise: a message leaves the consumer acked or dead-lettered, never
 * dropped. These tests break the dead-letter side on purpose.
 */
describe('PullConsumerRunner never loses a message it could not dead-letter (real JetStream)', () => {
  const suffix = randomBytes(5).toString('hex');
  const stream = `T${suffix}_WORK`;
  const deadStream = `T${suffix}_DEAD`;
  const subject = (name: string) => `t${suffix}.work.${name}`;
  const deadLetterSubject = `t${suffix}.dead`;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  const runners: PullConsumerRunner[] = [];

  beforeAll(async () => {
    nc = await connectNats({ settings: { NATS_URL: url }, name: 'runner-dead-letter-test' });
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
    await ensureStream(
      jsm,
      {
        name: stream,
        subjects: [`t${suffix}.work.>`],
        duplicateWindowMs: 60_000,
        ...limits,
      },
      ensured,
    );
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.stop()));
    await jsm.streams.delete(deadStream).catch(() => false);
  });

  afterAll(async () => {
    await jsm.streams.delete(stream).catch(() => false);
    await nc.close();
  });

  it('holds a message whose last-chance dead letter is refused, and dead-letters it once the dead-letter stream is back', async () => {
    const durable = 'REFUSED';
    const filterSubject = subject('refused.>');
    await js.publish(subject('refused.retry'), 'always fails');
    await js.publish(subject('refused.poison'), 'never valid');
    // A durable declared the old way (server max_deliver = the code's limit): starting
    // the worker must migrate it.
    await ensurePullConsumer(jsm, stream, {
      durable_name: durable,
      ack_wait: nanos(30_000),
      max_deliver: 2,
      filter_subject: filterSubject,
    });
    const failures: string[] = [];
    runners.push(
      await startDurableWorker(js, jsm, {
        stream,
        durable,
        filterSubject,
        maxDeliver: 2,
        ackWaitMs: 30_000,
        // No stream captures this subject yet: every dead-letter publish fails.
        deadLetterSubject,
        fetchExpiresMs: 1_000,
        retryDelayMs: () => 0,
        logger: { ...quiet, error: (message) => failures.push(message) },
        handle: async (messages) =>
          messages.map((message): Disposition =>
            message.string() === 'never valid'
              ? { kind: 'dead-letter', reason: 'not a valid message' }
              : { kind: 'nak', delayMs: 0, reason: 'downstream unavailable' },
          ),
      }),
    );
    // The last delivery was tried and its dead letter refused (no stream captures it)...
    await until('a refused dead letter', () => failures.length >= 2);
    // ...and the dead-letter stream comes back.
    await ensureStream(
      jsm,
      {
        name: deadStream,
        subjects: [deadLetterSubject],
        duplicateWindowMs: 60_000,
        ...limits,
      },
      ensured,
    );

    const dead = await until('both dead letters', async () => {
      const messages = await messagesOf(jsm, deadStream);
      return messages.length >= 2 && messages;
    });
    await until('the consumer to hold nothing', async () => {
      const info = await jsm.consumers.info(stream, durable);
      return info.num_ack_pending === 0 && info.num_pending === 0;
    });
    await Promise.all(runners.splice(0).map((runner) => runner.stop()));
    expect((await messagesOf(jsm, deadStream)).length).toBe(2);
    const reasons = Object.fromEntries(
      dead.map((message) => [
        message.string(),
        message.header.get(MessageHeaders.deadLetterReason),
      ]),
    );
    expect(reasons['always fails']).toMatch(/gave up after 2 deliveries: downstream unavailable/);
    expect(reasons['never valid']).toBe('not a valid message');
    // The server's max_deliver is only a backstop above the code's limit.
    const { config } = await jsm.consumers.info(stream, durable);
    expect(config.max_deliver).toBeGreaterThan(2);
  });

  it('hands a held message back on stop, and the next runner dead-letters it once the stream is back', async () => {
    const durable = 'STOPPED';
    const filterSubject = subject('stopped.>');
    await js.publish(subject('stopped.poison'), 'never valid');
    const failures: string[] = [];
    const start = (errors: string[]) =>
      startDurableWorker(js, jsm, {
        stream,
        durable,
        filterSubject,
        maxDeliver: 1,
        ackWaitMs: 30_000,
        deadLetterSubject,
        fetchExpiresMs: 1_000,
        logger: { ...quiet, error: (message) => errors.push(message) },
        handle: async (messages) =>
          messages.map((): Disposition => ({ kind: 'dead-letter', reason: 'not a valid message' })),
      });
    const first = await start(failures);
    await until('a refused dead letter', () => failures.length >= 1);
    await first.stop();
    expect(failures.at(-1)).toMatch(/runner is stopping: handing it back \(nak\)/);

    await ensureStream(
      jsm,
      { name: deadStream, subjects: [deadLetterSubject], duplicateWindowMs: 60_000, ...limits },
      ensured,
    );
    runners.push(await start([]));

    const [dead] = await until('the dead letter', async () => {
      const messages = await messagesOf(jsm, deadStream);
      return messages.length >= 1 && messages;
    });
    expect(dead!.string()).toBe('never valid');
    expect(dead!.header.get(MessageHeaders.deadLetterReason)).toMatch(
      /delivered 2 times, more than maxDeliver 1/,
    );
    await until('the consumer to hold nothing', async () => {
      const info = await jsm.consumers.info(stream, durable);
      return info.num_ack_pending === 0 && info.num_pending === 0;
    });
    expect((await messagesOf(jsm, deadStream)).length).toBe(1);
  });

  it('dead-letters, without handling it again, a message delivered more often than maxDeliver by deliveries nobody settled', async () => {
    const durable = 'OVERDUE';
    const filterSubject = subject('overdue.>');
    await ensureStream(
      jsm,
      {
        name: deadStream,
        subjects: [deadLetterSubject],
        duplicateWindowMs: 60_000,
        ...limits,
      },
      ensured,
    );
    await js.publish(subject('overdue.crashing'), 'crashes its handler');
    // Three deliveries a process took and never settled (it crashed while handling):
    // each comes back after ack_wait.
    await ensurePullConsumer(jsm, stream, {
      durable_name: durable,
      ack_wait: nanos(1_000),
      max_deliver: 10,
      filter_subject: filterSubject,
    });
    const consumer = await js.consumers.get(stream, durable);
    let deliveries = 0;
    while (deliveries < 3) {
      const message = await consumer.next({ expires: 5_000 });
      if (message) deliveries = message.info.deliveryCount;
    }

    const handled: string[] = [];
    runners.push(
      await startDurableWorker(js, jsm, {
        stream,
        durable,
        filterSubject,
        maxDeliver: 2,
        ackWaitMs: 1_000,
        deadLetterSubject,
        fetchExpiresMs: 1_000,
        logger: { ...quiet, error() {} },
        handle: async (messages) =>
          messages.map((message): Disposition => {
            handled.push(message.string());
            return { kind: 'ack' };
          }),
      }),
    );

    const [dead] = await until('the dead letter', async () => {
      const messages = await messagesOf(jsm, deadStream);
      return messages.length >= 1 && messages;
    });
    expect(dead!.string()).toBe('crashes its handler');
    expect(dead!.header.get(MessageHeaders.deadLetterReason)).toMatch(
      /delivered 4 times, more than maxDeliver 2/,
    );
    expect(handled).toEqual([]);
    // Settled for good (terminated), not pending a redelivery.
    await until('the consumer to hold nothing', async () => {
      const info = await jsm.consumers.info(stream, durable);
      return info.num_ack_pending === 0 && info.num_pending === 0;
    });
  });
});
