import { randomBytes } from 'node:crypto';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { ConsumerControlReply } from '@switchyard/contracts';
import { connectNats } from '../nats/connect';
import { jetStreamConsumerState } from '../nats/consumer-state';
import { startDurableWorker } from '../nats/durable-worker';
import type { PullConsumerRunner } from '../nats/pull-consumer-runner';
import { ensureStream } from '../nats/streams';
import { serveConsumerControl } from './consumer-control-responder';

// This package sits below the testkit, so it reads the server address itself (same default).
const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const quiet = { log() {}, warn() {}, error() {} };

async function until<T>(what: string, probe: () => Promise<T | false> | T | false): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Two "instances" (two runners on one durable, each with its own control responder),
 * one broadcast command: both pause, the stream keeps the work, resume drains it.
 * Every test gets its own stream, durable, instances and control subject (`beforeEach`),
 * so none counts another's messages or starts in another's paused state.
 */
describe('consumer control plane on a real JetStream', () => {
  const durable = 'WORKER';
  let nc: NatsConnection;
  let requester: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  let stream: string;
  let subject: string;
  let controlSubject: string;
  let handled: string[];
  let runners: PullConsumerRunner[];
  let responders: Subscription[];

  async function command(action: string, instances: number): Promise<ConsumerControlReply[]> {
    const replies: ConsumerControlReply[] = [];
    const messages = await requester.requestMany(controlSubject, JSON.stringify({ action }), {
      strategy: 'count',
      maxMessages: instances,
      maxWait: 10_000,
    });
    for await (const message of messages) replies.push(message.json<ConsumerControlReply>());
    return replies;
  }
  const pausedStates = (replies: ConsumerControlReply[]) =>
    replies.flatMap((reply) => reply.consumers.map((state) => state.paused));

  const pending = async () => (await jetStreamConsumerState(jsm, stream, durable))!.numPending;

  beforeAll(async () => {
    nc = await connectNats({ settings: { NATS_URL: url }, name: 'control-test' });
    requester = await connectNats({ settings: { NATS_URL: url }, name: 'control-test-requester' });
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
  });

  beforeEach(async () => {
    const suffix = randomBytes(5).toString('hex');
    stream = `T${suffix}_CONTROL`;
    subject = `t${suffix}.work`;
    controlSubject = `t${suffix}.control.worker.consumers`;
    handled = [];
    runners = [];
    responders = [];
    await ensureStream(
      jsm,
      {
        name: stream,
        subjects: [subject],
        duplicateWindowMs: 60_000,
        maxAgeMs: 0,
        maxBytes: 64 * 1024 * 1024,
        discard: 'old',
      },
      { replicas: 1, logger: { log() {}, warn() {} } },
    );
    for (const instance of ['a', 'b']) {
      const runner = await startDurableWorker(js, jsm, {
        stream,
        durable,
        maxDeliver: 3,
        ackWaitMs: 30_000,
        deadLetterSubject: `${subject}.dead`,
        batchSize: 10,
        handle: async (messages) => {
          handled.push(...messages.map((message) => message.string()));
          return messages.map(() => ({ kind: 'ack' as const }));
        },
        logger: quiet,
      });
      runners.push(runner);
      responders.push(
        serveConsumerControl(nc, {
          subject: controlSubject,
          service: 'worker',
          instance: instance,
          consumers: () => [runner],
          logger: quiet,
        }),
      );
    }
    // The responders subscribed on `nc`, the commands come from `requester`, another
    // connection: a round trip on `nc` makes sure the server has their subscriptions
    // before the first command, or an instance could miss it and answer nothing.
    await nc.flush();
  });

  afterEach(async () => {
    responders.forEach((responder) => responder.unsubscribe());
    await Promise.all(runners.map((runner) => runner.stop()));
    await jsm.streams.delete(stream).catch(() => false);
  });

  afterAll(async () => {
    await Promise.all([nc?.close(), requester?.close()]);
  });

  /** One message handled while running, then both instances paused and five published. */
  async function pauseWithBacklog(): Promise<void> {
    await js.publish(subject, 'before-1');
    await until('the first message to be handled', () => handled.includes('before-1'));
    expect(pausedStates(await command('pause', 2))).toEqual([true, true]);
    for (let i = 0; i < 5; i++) await js.publish(subject, `while-paused-${i}`);
  }

  it('status: every instance answers for itself, nothing paused', async () => {
    const replies = await command('status', 2);
    expect(replies.map((reply) => reply.instance).sort()).toEqual(['a', 'b']);
    expect(replies.flatMap((reply) => reply.consumers)).toEqual([
      { consumer: durable, paused: false },
      { consumer: durable, paused: false },
    ]);
  });

  it('pause: both instances stop taking work, the messages wait in the stream (num_pending)', async () => {
    await pauseWithBacklog();
    // The pause reply came after each loop parked: no pull is outstanding, so the server
    // holds all five and nothing reaches the handler (no sleep needed to prove it).
    expect(await pending()).toBe(5);
    expect(handled.filter((body) => body.startsWith('while-paused'))).toEqual([]);
  });

  it('resume: the backlog drains, every message handled once', async () => {
    await pauseWithBacklog();
    expect(pausedStates(await command('resume', 2))).toEqual([false, false]);
    await until('the backlog to drain', async () => (await pending()) === 0);
    await until('six handled', () => handled.length === 6);
    expect([...handled].sort()).toEqual([
      'before-1',
      ...Array.from({ length: 5 }, (_, i) => `while-paused-${i}`),
    ]);
  });

  it('a malformed command changes nothing and is answered with the state', async () => {
    expect(pausedStates(await command('explode', 2))).toEqual([false, false]);
    expect(pausedStates(await command('pause', 2))).toEqual([true, true]);
    expect(pausedStates(await command('explode', 2))).toEqual([true, true]);
  });

  it('stop while paused returns (a paused loop never blocks shutdown)', async () => {
    const runner = runners[0]!;
    await runner.pause();
    await expect(runner.stop()).resolves.toBeUndefined();
  });
});
