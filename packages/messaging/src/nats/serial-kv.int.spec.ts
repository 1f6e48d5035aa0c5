import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from './connect';
import { isRevisionConflict, RevisionConflictError, SerialKv } from './serial-kv';

/** What a write came to: written, a lost compare-and-set, or (thrown on) anything else. */
const outcomeOf = (write: Promise<number>) =>
  write.then(
    () => 'written',
    (error: unknown) => {
      if (isRevisionConflict(error)) return 'conflict';
      throw error;
    },
  );

// This package sits below the testkit, so it reads the server address itself (same default).
const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/**
 * SerialKv's contract on a real bucket (one server). Its reason to exist, the replicated
 * bucket where `kv.update` alone lets two writers win, is proven on a 3-node cluster by
 * inventory's `stock-on-a-cluster.int.spec.ts`.
 */
describe('SerialKv: compare-and-set on a JetStream KV bucket', () => {
  const bucketName = `T${randomBytes(5).toString('hex')}_SERIAL`;
  let nc: NatsConnection;
  let kv: KV;
  let serial: SerialKv;

  beforeAll(async () => {
    nc = await connectNats({ settings: { NATS_URL: url }, name: 'serial-kv-test' });
    kv = await new Kvm(nc).create(bucketName, { history: 5 });
    serial = new SerialKv(kv);
  });

  afterAll(async () => {
    await (await jetstreamManager(nc)).streams.delete(`KV_${bucketName}`).catch(() => undefined);
    await nc?.close();
  });

  it('creates a key once: of concurrent creators exactly one wins, the others get a conflict', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, index) => serial.create('once', `writer-${index}`)),
    );
    const won = results.filter((result) => result.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const result of results.filter((result) => result.status === 'rejected'))
      expect(isRevisionConflict(result.reason)).toBe(true);
    const entry = await kv.get('once');
    expect(entry?.revision).toBe((won[0] as PromiseFulfilledResult<number>).value);
  });

  it('updates only from the revision it names, and writes through the bucket as `put` does', async () => {
    const created = await serial.create('counter', '0');
    const updated = await serial.update('counter', '1', created);
    expect(await outcomeOf(serial.update('counter', 'stale', created))).toBe('conflict');
    const entry = await kv.get('counter');
    expect({ revision: entry?.revision, value: entry?.string() }).toEqual({
      revision: updated,
      value: '1',
    });
  });

  it('reports a write sent again with the same revision as a conflict (its id is a duplicate)', async () => {
    // As when the acknowledgement of the first attempt was lost and the caller retries it:
    // the stream stored it once; reading again shows the caller its own write.
    const created = await serial.create('retried', 'a');
    const first = await serial.update('retried', 'b', created);
    const again = serial.update('retried', 'b', created);
    await expect(again).rejects.toBeInstanceOf(RevisionConflictError);
    expect((await kv.get('retried'))?.revision).toBe(first);
  });

  it('creates a deleted key again, also within the duplicate window', async () => {
    const created = await serial.create('lease', 'holder-1');
    await serial.delete('lease', { previousSeq: created });
    const again = await serial.create('lease', 'holder-2');
    expect(await outcomeOf(serial.create('lease', 'holder-3'))).toBe('conflict');
    const entry = await kv.get('lease');
    expect({ revision: entry?.revision, value: entry?.string() }).toEqual({
      revision: again,
      value: 'holder-2',
    });
  });

  it('refuses an update without a revision instead of writing blindly', async () => {
    await expect(serial.update('counter', 'x', 0)).rejects.toThrow('needs a revision');
  });
});
