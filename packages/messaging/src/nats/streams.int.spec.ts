import { randomBytes } from 'node:crypto';
import {
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import type { KvBucketDefinition, StreamDefinition } from '@switchyard/contracts';
import { connectNats } from './connect';
import { ensureKvBucket, kvStreamName } from './kv-buckets';
import { ensureStream, StreamMigrationRequiredError } from './streams';

// This package sits below the testkit, so it reads the server address itself (same default).
const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const MiB = 1024 * 1024;
const HOUR_MS = 3_600_000;

/** Streams and buckets match their declaration after one start, and a second start changes nothing. */
describe('ensureStream and ensureKvBucket reconcile what exists (real JetStream)', () => {
  const suffix = randomBytes(5).toString('hex');
  const name = (what: string) => `T${suffix}_${what}`;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const logged: string[] = [];
  const warned: string[] = [];
  const options = {
    replicas: 1,
    logger: {
      log: (message: string) => logged.push(message),
      warn: (message: string) => warned.push(message),
    },
  };

  beforeAll(async () => {
    nc = await connectNats({ settings: { NATS_URL: url }, name: 'streams-test' });
    jsm = await jetstreamManager(nc);
  });

  beforeEach(() => {
    logged.splice(0);
    warned.splice(0);
  });

  afterAll(async () => {
    for (const stream of [
      'LOG',
      'QUEUE',
      'FRESH',
      'FULL',
      kvStreamName(name('BUCKET')),
      kvStreamName(name('LEADER')),
    ]) {
      await jsm.streams.delete(stream.startsWith('KV_') ? stream : name(stream)).catch(() => false);
    }
    await nc.close();
  });

  const declared = (what: string): StreamDefinition => ({
    name: name(what),
    subjects: [`t${suffix}.${what.toLowerCase()}.>`],
    duplicateWindowMs: 60_000,
    maxAgeMs: 30 * 24 * HOUR_MS,
    maxBytes: 64 * MiB,
    discard: 'new',
  });

  it('corrects a stream created with other limits, logs each change, and leaves an equal one alone', async () => {
    const definition = declared('LOG');
    // As an older release (or an operator) left it: 1 hour, no size limit, discard old.
    await jsm.streams.add({
      name: definition.name,
      subjects: [...definition.subjects],
      max_age: nanos(HOUR_MS),
      discard: DiscardPolicy.Old,
      duplicate_window: nanos(60_000),
    });

    await ensureStream(jsm, definition, options);

    const { config } = await jsm.streams.info(definition.name);
    expect(config).toMatchObject({
      max_age: nanos(30 * 24 * HOUR_MS),
      max_bytes: 64 * MiB,
      discard: DiscardPolicy.New,
      num_replicas: 1,
    });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(`stream ${definition.name} updated`);
    expect(logged[0]).toContain('max_age: 1h → 30d');
    expect(logged[0]).toContain('max_bytes: -1 (unbounded) → 64 MiB');
    expect(logged[0]).toContain('discard: "old" → "new"');

    logged.splice(0);
    await ensureStream(jsm, definition, options);
    expect(logged).toEqual([]);
    expect((await jsm.streams.info(definition.name)).config).toEqual(config);
  });

  it('creates a missing stream with its limits, and says so', async () => {
    const definition = declared('FRESH');
    await ensureStream(jsm, definition, options);
    const { config } = await jsm.streams.info(definition.name);
    expect(config).toMatchObject({ max_bytes: 64 * MiB, discard: DiscardPolicy.New });
    expect(logged).toEqual([expect.stringContaining(`stream ${definition.name} created`)]);
  });

  it('never lowers max_bytes below what the stream holds: JetStream would delete the oldest messages', async () => {
    const definition = { ...declared('FULL'), maxBytes: 4 * 1024 };
    await jsm.streams.add({ name: definition.name, subjects: [...definition.subjects] });
    const js = jetstream(nc);
    for (let i = 0; i < 10; i++) await js.publish(`t${suffix}.full.${i}`, new Uint8Array(1_000));

    await ensureStream(jsm, definition, options);

    const { config, state } = await jsm.streams.info(definition.name);
    expect(state.messages).toBe(10);
    expect(config.max_bytes).toBe(-1);
    // The safe changes are applied; the destructive one is named in a warning.
    expect(config.discard).toBe(DiscardPolicy.New);
    expect(warned).toEqual([
      expect.stringContaining('max_bytes: -1 (unbounded) → 4 KiB: NOT applied'),
    ]);
  });

  it('refuses, with a clear error, a setting JetStream cannot change in place', async () => {
    const definition = declared('QUEUE');
    await jsm.streams.add({
      name: definition.name,
      subjects: [...definition.subjects],
      retention: RetentionPolicy.Workqueue,
    });

    const attempt = ensureStream(jsm, definition, options);

    await expect(attempt).rejects.toThrow(StreamMigrationRequiredError);
    await expect(attempt).rejects.toThrow(/retention: "workqueue" → "limits"/);
    expect((await jsm.streams.info(definition.name)).config.max_bytes).toBe(-1);
  });

  it('corrects a KV bucket created with other limits, and leaves an equal one alone', async () => {
    const definition: KvBucketDefinition = {
      name: name('BUCKET'),
      history: 5,
      duplicateWindowMs: 120_000,
      maxAgeMs: 0,
      maxBytes: 32 * MiB,
      discard: 'new',
    };
    // As `new Kvm(js).create(name, { history: 1, ttl })` left it before: no size limit.
    const old = await new Kvm(jetstream(nc)).create(definition.name, { history: 1, ttl: HOUR_MS });
    await old.put('stock.sku-1', '7');

    const bucket = await ensureKvBucket(jetstream(nc), definition, options);

    const { config } = await jsm.streams.info(kvStreamName(definition.name));
    expect(config).toMatchObject({
      max_age: 0,
      max_bytes: 32 * MiB,
      max_msgs_per_subject: 5,
      discard: DiscardPolicy.New,
      duplicate_window: nanos(120_000),
    });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('max_age: 1h → 0 (no limit)');
    expect(logged[0]).toContain('max_bytes: -1 (unbounded) → 32 MiB');
    expect(logged[0]).toContain('max_msgs_per_subject: 1 → 5');
    // The data survived the update.
    expect((await bucket.get('stock.sku-1'))?.string()).toBe('7');

    logged.splice(0);
    await ensureKvBucket(jetstream(nc), definition, options);
    expect(logged).toEqual([]);
  });

  it('given a bucket made with direct gets, when it is declared read from the leader, then direct gets are turned off before it is opened', async () => {
    const definition: KvBucketDefinition = {
      name: name('LEADER'),
      history: 10,
      duplicateWindowMs: 120_000,
      maxAgeMs: 0,
      maxBytes: 32 * MiB,
      discard: 'new',
    };
    // As the drills' seeding made it before: nats.js's default, direct gets on.
    await ensureKvBucket(jetstream(nc), definition, options);
    expect((await jsm.streams.info(kvStreamName(definition.name))).config.allow_direct).toBe(true);

    const bucket = await ensureKvBucket(jetstream(nc), definition, { ...options, reads: 'leader' });

    // Before the fix it stayed true: every read could come from a replica behind the leader.
    expect((await jsm.streams.info(kvStreamName(definition.name))).config.allow_direct).toBe(false);
    await bucket.put('stock.sku-1', '7');
    expect((await bucket.get('stock.sku-1'))?.string()).toBe('7');
  });
});
