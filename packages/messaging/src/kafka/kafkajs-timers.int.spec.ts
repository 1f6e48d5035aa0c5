import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { topology } from '@switchyard/contracts';
import { BatchConsumer } from './batch-consumer';
import { EventProducer } from './event-producer';
import { createKafka } from './kafka';
import { KafkaAdmin } from './kafka-admin';

// This package sits below the testkit, so it reads the broker address itself (same default).
const brokers = (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(',').map((b) => b.trim());
const quiet = { log() {}, warn() {}, error() {} };

/**
 * kafkajs 2.2.4's request queue armed `setTimeout(check, throttledUntil - Date.now())` after
 * every response, with `throttledUntil = -1` when the broker never throttled: a delay of
 * minus the epoch time, which Node clamps to 1 ms, and the check re-armed itself. Every
 * connection ran a 1 ms timer loop for its whole life, on every Node version; Node 24
 * added `TimeoutNegativeWarning`. patches/kafkajs+2.2.4.patch arms the timer only when a
 * request is waiting (tulios/kafkajs#1751, ADR 0028). These tests fail without the patch.
 */
describe('kafkajs request-queue timers on a real broker (patched, ADR 0028)', () => {
  const kafka = createKafka({
    clientId: `t${randomBytes(5).toString('hex')}`,
    brokers,
    logger: quiet,
  });
  const admin = new KafkaAdmin(kafka);
  const topics: string[] = [];
  const groups: string[] = [];

  beforeAll(() => admin.connect());

  afterAll(async () => {
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.deleteTopics(topics);
    await admin.disconnect();
  });

  function names() {
    const { topics: declared, groups: declaredGroups } = topology(
      `t${randomBytes(5).toString('hex')}`,
    ).kafka;
    topics.push(declared.orderEvents.name);
    groups.push(declaredGroups.projector);
    return { topic: declared.orderEvents, groupId: declaredGroups.projector };
  }

  it('our producer and consumer arm no timer with a negative delay, on any Node version', async () => {
    const { topic, groupId } = names();
    await admin.ensureTopics([topic]);
    const realSetTimeout = global.setTimeout;
    // kafkajs calls the global setTimeout: count the negative delays by the kafkajs line
    // that asked for them.
    const negative = new Map<string, number>();
    const spy = jest
      .spyOn(global, 'setTimeout')
      .mockImplementation((callback: () => void, ms?: number) => {
        if (ms !== undefined && ms < 0) {
          const site = /kafkajs\/src\/[^\s)]+/.exec(new Error().stack ?? '')?.[0] ?? 'elsewhere';
          negative.set(site, (negative.get(site) ?? 0) + 1);
        }
        return realSetTimeout(callback, ms);
      });
    const producer = new EventProducer(kafka);
    let delivered!: (key: string | null) => void;
    const consumed = new Promise<string | null>((resolve) => (delivered = resolve));
    const consumer = new BatchConsumer(kafka, {
      groupId,
      topic: topic.name,
      fromBeginning: true,
      maxWaitTimeInMs: 100,
      logger: quiet,
      handle: async (records) => delivered(records[0]!.key),
    });
    try {
      await producer.connect();
      await producer.send(topic.name, [{ key: 'order-1', value: '{}' }]);
      await consumer.start();
      await expect(consumed).resolves.toBe('order-1');
    } finally {
      await consumer.stop();
      await producer.disconnect();
      spy.mockRestore();
    }

    // Unpatched: { 'kafkajs/src/network/requestQueue/index.js:317:37': 76 } in one run, from the
    // first response on each connection on.
    expect(Object.fromEntries(negative)).toEqual({});
  });

  it('on Node 24+, a fresh process that produces and consumes prints no TimeoutNegativeWarning', async () => {
    // The warning exists from Node 24 on; on an older runtime this test would prove nothing.
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
    const { topic, groupId } = names();
    await admin.ensureTopics([topic]);

    const run = await runNode([
      '--trace-warnings',
      '-e',
      CHILD,
      brokers.join(','),
      topic.name,
      groupId,
    ]);

    expect({ code: run.code, stdout: run.stdout }).toEqual({
      code: 0,
      stdout: 'consumed order-1\n',
    });
    // Unpatched: "TimeoutNegativeWarning: -1796… is a negative number. Timeout duration was
    // set to 1." with its stack through RequestQueue.scheduleCheckPendingRequests.
    expect(run.stderr).not.toMatch(/TimeoutNegativeWarning/);
  });
});

/**
 * Plain kafkajs, no Jest and nothing of ours loaded: a process-wide warning is printed once,
 * by the first negative timer, so it must be a process of its own. `node -e` resolves
 * `kafkajs` from the working directory, this package.
 */
const CHILD = `
const { Kafka, Partitioners, logLevel } = require('kafkajs');
const [brokers, topic, groupId] = process.argv.slice(1);
const kafka = new Kafka({ clientId: groupId, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
(async () => {
  await producer.connect();
  await producer.send({ topic, messages: [{ key: 'order-1', value: '{}' }] });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const key = await new Promise((resolve) =>
    consumer.run({ eachMessage: async ({ message }) => resolve(message.key.toString()) }));
  await consumer.disconnect();
  await producer.disconnect();
  console.log('consumed ' + key);
})().catch((error) => { console.error(error); process.exit(1); });
`;

function runNode(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: __dirname,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Bounded: a child that never consumes is killed and the test fails on its exit code.
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
