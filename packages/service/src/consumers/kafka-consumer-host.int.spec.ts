import { randomBytes } from 'node:crypto';
import { Global, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { catalog, topology } from '@switchyard/contracts';
import { createKafka, KafkaAdmin, type ConsumedRecord } from '@switchyard/messaging';
import type { Producer } from 'kafkajs';
import { KafkaModule } from '../kafka.module';
import { MetricsModule } from '../metrics';
import { ConsumerRegistry } from './consumer-registry';
import { KafkaConsumerHost, type EventFolds } from './kafka-consumer-host';
import { OwnedConsumers } from './owned-consumers';

// This package sits below the testkit, so it reads the broker address itself (same default).
const brokers = (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(',').map((b) => b.trim());
const quiet = { log() {}, warn() {}, error() {} };

async function until<T>(what: string, probe: () => Promise<T | false> | T | false): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What ConsumerControlModule provides in an app; here without its NATS responder. */
@Global()
@Module({ providers: [ConsumerRegistry], exports: [ConsumerRegistry] })
class RegistryModule {}

/**
 * The projector's subscription declared from the catalog, on the real broker: its own
 * namespace, so its own topic and group.
 */
describe('KafkaConsumerHost on a real broker', () => {
  const namespace = `t${randomBytes(5).toString('hex')}`;
  const names = topology(namespace);
  const { projectorOrders, rebuilderOrders } = catalog(names).subscriptions;
  const runId = randomBytes(4).toString('hex');
  const topic = names.kafka.topics.orderEvents;
  const kafka = createKafka({ clientId: `${namespace}.test`, brokers, logger: quiet });
  const admin = new KafkaAdmin(kafka);
  let producer: Producer;
  let app: INestApplicationContext;
  let rebuilder: INestApplicationContext;

  const folds: EventFolds<typeof projectorOrders, number> = {
    OrderPlaced: (n) => n + 1,
    OrderConfirmed: (n) => n + 1,
    OrderCancelled: (n) => n + 1,
    OrderRejected: (n) => n + 1,
  };

  beforeAll(async () => {
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    await admin.ensureTopics([topic]);
    @Module({
      imports: [
        RegistryModule,
        MetricsModule.forRoot({ service: 'projector' }),
        KafkaModule.forRoot({ app: 'projector', clientId: `${namespace}.projector`, brokers }),
      ],
    })
    class ProjectorLikeModule {}
    app = await NestFactory.createApplicationContext(ProjectorLikeModule, { logger: false });
    @Module({
      imports: [
        RegistryModule,
        KafkaModule.forRoot({ app: 'rebuilder', clientId: `${namespace}.rebuilder`, brokers }),
      ],
    })
    class RebuilderLikeModule {}
    rebuilder = await NestFactory.createApplicationContext(RebuilderLikeModule, { logger: false });
  });

  afterAll(async () => {
    await app?.close();
    await rebuilder?.close();
    const groups = [names.kafka.groups.projector, names.kafka.groups.rebuilder(runId)];
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.deleteTopics([topic.name]);
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  it('consumes the subscription’s topic in its group, whole batches, commits after each; registered, observed, left on shutdown', async () => {
    const handled: ConsumedRecord[] = [];
    const consumer = app.get(KafkaConsumerHost).consume(projectorOrders, {
      lifetime: 'service',
      folds,
      fromBeginning: true,
      partitionsConsumedConcurrently: topic.partitions,
      handle: async (records) => {
        handled.push(...records);
      },
    });
    expect(consumer.groupId).toBe(names.kafka.groups.projector);
    const keys = Array.from({ length: 9 }, (_, i) => `order-${i}`);
    await producer.send({
      topic: topic.name,
      messages: keys.map((key) => ({ key, value: JSON.stringify({ key }) })),
    });
    await consumer.start();

    await until('every record', () => handled.length >= keys.length);
    expect(handled.map((record) => record.key).sort()).toEqual([...keys].sort());
    expect(new Set(handled.map((record) => record.topic))).toEqual(new Set([topic.name]));
    // Committed (offset + 1) after each batch: the group has no lag left.
    await until('the commits', async () =>
      (await admin.consumerGroupLag(consumer.groupId, topic.name)).every((p) => p.lag === 0),
    );
    // Pausable through the control plane, and in the readiness and lag checks.
    expect(app.get(ConsumerRegistry).all()).toContain(consumer.consumer);
    expect(app.get(OwnedConsumers).kafka()).toEqual([
      expect.objectContaining({ groupId: consumer.groupId, topic: topic.name }),
    ]);
    expect(consumer.consumer.membership).toBe('member');

    // Shutting the app down leaves the group (its owner did not stop it first).
    await app.close();
    expect(consumer.consumer.membership).toBe('stopped');
  });

  it('replays in a group of its own per run, commits nothing, and stays its caller’s to stop', async () => {
    const replayed: ConsumedRecord[] = [];
    const replay = rebuilder.get(KafkaConsumerHost).consume(rebuilderOrders, {
      lifetime: 'run',
      group: { runId },
      folds,
      fromBeginning: true,
      partitionsConsumedConcurrently: topic.partitions,
      commitOffsets: false,
      handle: async (records) => {
        replayed.push(...records);
      },
    });
    expect(replay.groupId).toBe(names.kafka.groups.rebuilder(runId));
    const keys = Array.from({ length: 6 }, (_, i) => `replayed-${i}`);
    await producer.send({
      topic: topic.name,
      messages: keys.map((key) => ({ key, value: JSON.stringify({ key }) })),
    });
    await replay.start();
    try {
      // From offset zero: these and whatever else the topic holds.
      await until('the replay', () => keys.every((key) => replayed.some((r) => r.key === key)));
      // A run is nobody's to pause: not in the control plane.
      expect(rebuilder.get(ConsumerRegistry).all()).toEqual([]);
      // Its position lives in the caller's store: the group committed nothing.
      const committed = await admin.consumerGroupLag(replay.groupId, topic.name);
      expect(committed.map((p) => p.committedOffset)).toEqual(committed.map(() => null));
    } finally {
      await replay.stop();
    }
    expect(replay.consumer.membership).toBe('stopped');
  });
});
