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

  describe('when the stream leader answers an older revision of a key than it stored', () => {
    /**
     * nats-server 2.9.10 after a restart of the cluster's nodes: the leader's "last message
     * for this subject" answered revision R of a hot key though it had stored R's successor
     * (the cluster drill's NATS rolling restart). Such a server cannot be made to order, so
     * the bucket's `get` is made to answer as it did (the revision before the last), on a
     * real server that stores, checks and deduplicates every write.
     */
    function answeringAnOlderRevision(bucket: KV): KV {
      const get = bucket.get.bind(bucket);
      return Object.assign(bucket, {
        // The tests' buckets hold one key, so its revision before the last is the
        // stream's sequence before it.
        get: async (key: string) => {
          const last = await get(key);
          if (!last || last.revision === 1) return last;
          return get(key, { revision: last.revision - 1 });
        },
      });
    }

    /** Adds 1 to the number under `key`, as a stock change does: read, decide, compare-and-set. */
    async function increment(writer: SerialKv, key: string): Promise<number> {
      for (let attempt = 1; attempt <= 20; attempt++) {
        const entry = await writer.get(key);
        try {
          return await writer.update(key, String(Number(entry!.string()) + 1), entry!.revision);
        } catch (error) {
          if (!isRevisionConflict(error)) throw error;
        }
      }
      throw new Error(`${key}: 20 compare-and-set attempts lost`);
    }

    it('writes on the revision really stored, found past the stale answer, losing no change', async () => {
      const staleName = `T${randomBytes(5).toString('hex')}_STALE`;
      const stale = answeringAnOlderRevision(await new Kvm(nc).create(staleName, { history: 10 }));
      try {
        const writer = new SerialKv(stale);
        const honest = new SerialKv(await new Kvm(nc).open(staleName));
        const created = await honest.create('hot', '0');
        await honest.update('hot', '1', created);
        // Before the fix every attempt read "0", sent the id the write of "1" had used, and
        // was refused as a duplicate: 20 of 20 lost (and on the real server, once the
        // duplicate window forgot the id, "0 + 1" overwrote "1": a lost change).
        for (let count = 2; count <= 6; count++) await increment(writer, 'hot');
        const stored = await honest.get('hot');
        expect(stored?.string()).toBe('6');
      } finally {
        await (await jetstreamManager(nc)).streams.delete(`KV_${staleName}`);
      }
    });

    it('keeps concurrent writers to one change each: the fallback is a compare-and-set too', async () => {
      const staleName = `T${randomBytes(5).toString('hex')}_STALE`;
      await new Kvm(nc).create(staleName, { history: 10 });
      try {
        const writers = await Promise.all(
          Array.from(
            { length: 4 },
            async () => new SerialKv(answeringAnOlderRevision(await new Kvm(nc).open(staleName))),
          ),
        );
        const honest = new SerialKv(await new Kvm(nc).open(staleName));
        await honest.update('hot', '1', await honest.create('hot', '0'));
        // 4 writers × 5 increments, racing, each reading the stale answer first.
        await Promise.all(
          writers.map(async (writer) => {
            for (let count = 0; count < 5; count++) await increment(writer, 'hot');
          }),
        );
        expect((await honest.get('hot'))?.string()).toBe(String(1 + 4 * 5));
      } finally {
        await (await jetstreamManager(nc)).streams.delete(`KV_${staleName}`);
      }
    });
  });

  it('refuses an update without a revision instead of writing blindly', async () => {
    await expect(serial.update('counter', 'x', 0)).rejects.toThrow('needs a revision');
  });
});
