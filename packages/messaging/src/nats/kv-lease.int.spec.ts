import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { connectNats } from './connect';
import { KvLease, type LeaseStore } from './kv-lease';
import { SerialKv } from './serial-kv';

// This package sits below the testkit, so it reads the server address itself (same default).
const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const quiet = { log() {}, warn() {}, error() {} };

async function until<T>(
  what: string,
  probe: () => Promise<T | false> | T | false,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A store that can be cut off, as a holder's process is when its network partitions. The
 * bridge's store: compare-and-set through `SerialKv`.
 */
function partitionable(bucket: KV): LeaseStore & { cut: boolean } {
  const kv = new SerialKv(bucket);
  const store = {
    cut: false,
    check() {
      if (store.cut) throw new Error('partitioned (test)');
    },
    get: async (key: string) => (store.check(), kv.get(key)),
    create: async (key: string, value: string) => (store.check(), kv.create(key, value)),
    update: async (key: string, value: string, revision: number) => (
      store.check(),
      kv.update(key, value, revision)
    ),
    delete: async (key: string, options?: { previousSeq: number }) => (
      store.check(),
      kv.delete(key, options)
    ),
  };
  return store;
}

/**
 * The lease on a real JetStream KV bucket (nats-server 2.9: compare-and-set on revisions,
 * no per-key TTL). `events` records, in order, who acquired and who stopped working.
 */
describe('KvLease on a real JetStream KV bucket', () => {
  const bucket = `T${randomBytes(5).toString('hex')}_LEASES`;
  let nc: NatsConnection;
  let kv: KV;
  let events: string[];
  let previousHolders: string[];
  const leases: KvLease[] = [];

  function lease(
    holder: string,
    ttlMs: number,
    store: LeaseStore = kv,
    key = 'route',
    heartbeatMs?: number,
  ): KvLease {
    const created: KvLease = new KvLease({
      store,
      key,
      holder,
      ttlMs,
      heartbeatMs,
      logger: quiet,
      onAcquired: async (_signal, previous) => {
        events.push(`${holder} acquired`);
        previousHolders.push(previous);
      },
      onLost: async () => {
        events.push(`${holder} stopped`);
      },
    });
    leases.push(created);
    return created;
  }

  beforeAll(async () => {
    nc = await connectNats({ settings: { NATS_URL: url }, name: 'kv-lease-test' });
    kv = await new Kvm(nc).create(bucket, { history: 1 });
  });

  beforeEach(() => {
    events = [];
    previousHolders = [];
  });

  afterEach(async () => {
    await Promise.all(leases.splice(0).map((each) => each.stop()));
  });

  afterAll(async () => {
    await (await jetstreamManager(nc)).streams.delete(`KV_${bucket}`).catch(() => false);
    await nc.close();
  });

  it('gives the lease to exactly one of several contenders, and keeps it there', async () => {
    const contenders = ['a', 'b', 'c'].map((holder) => lease(holder, 600, kv, 'one-of-three'));
    contenders.forEach((each) => each.start());
    const holder = await until(
      'one contender to hold the lease',
      () => contenders.find((each) => each.isHeld) ?? false,
    );
    // Several heartbeats later (the revision moved on five times), still that one only.
    const first = (await kv.get('one-of-three'))!.revision;
    await until(
      'five heartbeats',
      async () => (await kv.get('one-of-three'))!.revision >= first + 5,
    );
    expect(contenders.filter((each) => each.isHeld)).toEqual([holder]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatch(/^[abc] acquired$/);
  });

  it('a holder cut off from NATS stops on its own clock before a standby takes over', async () => {
    const store = partitionable(kv);
    const holder = lease('holder', 600, store, 'takeover');
    holder.start();
    await until('the holder to hold', () => holder.isHeld);
    const standby = lease('standby', 600, kv, 'takeover');
    standby.start();
    // The holder's heartbeats fail from now on; the standby sees the revision stand still.
    store.cut = true;
    await until('the standby to take over', () => standby.isHeld);
    expect(holder.isHeld).toBe(false);
    expect(events).toEqual(['holder acquired', 'holder stopped', 'standby acquired']);
    expect(JSON.parse((await kv.get('takeover'))!.string())).toMatchObject({ holder: 'standby' });
    expect(previousHolders).toEqual(['none', 'expired']);
  });

  it('a holder whose heartbeat loses the compare-and-set stops at once', async () => {
    // A long TTL: only the failed CAS, not ageing, can end this lease within the test.
    const holder = lease('holder', 60_000, kv, 'stolen', 100);
    holder.start();
    await until('the holder to hold', () => holder.isHeld);
    const entry = (await kv.get('stolen'))!;
    // Someone else writes the key (another instance that believed it had waited a TTL).
    await kv.update('stolen', JSON.stringify({ holder: 'intruder' }), entry.revision);
    await until('the holder to notice', () => events.includes('holder stopped'), 30_000);
    expect(holder.isHeld).toBe(false);
    expect(events).toEqual(['holder acquired', 'holder stopped']);
  });

  it('releases on stop: the work stops first, then a standby takes over at once', async () => {
    // TTL one minute: without the release, the standby could not take over in this test.
    const holder = lease('holder', 60_000, kv, 'release', 100);
    holder.start();
    await until('the holder to hold', () => holder.isHeld);
    const standby = lease('standby', 60_000, kv, 'release', 100);
    standby.start();
    await until('the standby to have read the key', async () => {
      return (await kv.get('release'))!.revision > 0;
    });
    await holder.stop();
    expect(events).toEqual(['holder acquired', 'holder stopped']);
    await until('the standby to take the released lease', () => standby.isHeld, 30_000);
    expect(events).toEqual(['holder acquired', 'holder stopped', 'standby acquired']);
    expect(previousHolders).toEqual(['none', 'released']);
  });

  it('a holder that lost its lease by age takes it back at once if nobody took it', async () => {
    const store = partitionable(kv);
    const holder = lease('holder', 600, store, 'comeback');
    holder.start();
    await until('the holder to hold', () => holder.isHeld);
    store.cut = true;
    await until('the holder to give up on its own clock', () => events.includes('holder stopped'));
    store.cut = false;
    await until('the holder to hold again', () => holder.isHeld);
    expect(events).toEqual(['holder acquired', 'holder stopped', 'holder acquired']);
    expect(previousHolders).toEqual(['none', 'ours']);
  });
});
