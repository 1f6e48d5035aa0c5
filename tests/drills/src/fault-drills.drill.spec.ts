import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { topology } from '@switchyard/contracts';
import { connectNats, createKafka, KafkaAdmin } from '@switchyard/messaging';
import { repoRoot, testEnv, uniqueNamespace, waitFor } from '@switchyard/testkit';
import { Client } from 'pg';
import { DrillKafka } from './brokers/drill-kafka';
import { DrillNats } from './brokers/drill-nats';
import { freePort } from './brokers/free-port';
import { DesignedFailures } from './checks/designed-failures';
import { InvariantChecker } from './checks/invariants';
import { formatSummary, type DrillSummary } from './drill-summary';
import { OrderLoad } from './load/order-load';
import { DrillSystem, type Role } from './system/drill-system';
import { watchReadiness, type ReadinessTrace } from './system/readiness-watch';
import { seedDrillStock } from './system/seed-stock';

/** Orders per second through the HTTP API while the drills run (2-core CI machine). */
const RATE = Number(process.env.DRILL_RATE ?? 25);
/** How long the drill's Kafka broker stays down: long enough for every client to give up. */
const KAFKA_OUTAGE_MS = 20_000;

/**
 * ### Fault drills: break one thing under load, bring it back, check every guarantee.
 *
 * One system for the whole tier (started once, on brokers of its own), one drill at a
 * time. Each drill: designed failures are slipped in, the load flows, the fault hits,
 * the part comes back, a few more seconds of load prove it takes work again, then the
 * load pauses and the invariants are checked (see `InvariantChecker`).
 */
describe('fault drills', () => {
  const namespace = uniqueNamespace('d');
  const names = topology(namespace);
  const kafka = new DrillKafka();
  const natsStore = mkdtempSync(join(tmpdir(), 'switchyard-drill-nats-'));
  const summaries: DrillSummary[] = [];
  let nats: DrillNats;
  let nc: NatsConnection;
  let pg: Client;
  let system: DrillSystem;
  let designed: DesignedFailures;
  let checker: InvariantChecker;
  let load: OrderLoad;

  beforeAll(async () => {
    await kafka.up();
    nats = await DrillNats.start(natsStore, join(repoRoot, 'test-artifacts'));
    nc = await connectNats({ url: nats.url, name: 'drill-checks' });
    await seedDrillStock(nc, names);
    pg = new Client({ connectionString: testEnv.DATABASE_URL });
    await pg.connect();

    system = new DrillSystem(
      {
        SWITCHYARD_NAMESPACE: namespace,
        NATS_URL: nats.url,
        KAFKA_BROKERS: kafka.brokers,
        DATABASE_URL: testEnv.DATABASE_URL,
        INVENTORY_SEED_DEMO_CATALOG: 'false',
        // Payments are decided by test cards only (declined, flaky), so every order's
        // outcome is known in advance; the processor itself never declines or fails.
        PAYMENTS_DECLINE_RATE: '0',
        PAYMENTS_FAILURE_RATE: '0',
        PAYMENTS_LATENCY_MS: '5',
        // A killed consumer's unacked messages come back after ack_wait: keep it short
        // so a drill recovers in seconds (runners send `working()` on long batches).
        PAYMENTS_ACK_WAIT_MS: '5000',
        BRIDGE_ACK_WAIT_MS: '5000',
        SAGA_ACK_WAIT_MS: '5000',
        // Orders are cancelled when they have not ended by their deadline; a drill slows
        // the flow on purpose, and every order here must end the way it was designed to.
        ORDERS_PAYMENT_TIMEOUT_MS: '300000',
      },
      await freePort(),
    );
    await system.startAll();

    designed = new DesignedFailures(jetstream(nc), [kafka.brokers], names);
    await designed.connect();
    checker = new InvariantChecker(() => nc, pg, [kafka.brokers], names, designed);
    load = new OrderLoad({
      gatewayUrl: () => system.gatewayUrl,
      keyPrefix: namespace,
      ratePerSecond: RATE,
    });
  }, 300_000);

  afterAll(async () => {
    await load?.pause();
    process.stdout.write(`\n${summaries.map(formatSummary).join('\n')}\n\n`);
    await system?.stopAll();
    await designed?.disconnect();
    await nc?.close();
    await pg?.query(`DROP SCHEMA IF EXISTS "${names.postgres.schema}" CASCADE`).catch(() => {});
    await pg?.end();
    const admin = new KafkaAdmin(
      createKafka({
        clientId: 'drill-cleanup',
        brokers: [kafka.brokers],
        logger: { log() {}, warn() {}, error() {} },
      }),
    );
    await admin
      .connect()
      .then(() => admin.deleteTopics(Object.values(names.kafka.topics).map((t) => t.name)))
      .finally(() => admin.disconnect())
      .catch(() => {});
    await nats?.down();
    rmSync(natsStore, { recursive: true, force: true });
    if (process.env.DRILL_KEEP_KAFKA !== '1') await kafka.down();
  }, 120_000);

  /** Orders accepted since `index` in `load.accepted`. */
  const acceptedSince = (index: number) => load.accepted.length - index;

  /**
   * Runs one drill: load flows, `fault` breaks something and brings it back, the
   * system must take work again, then the invariants are checked with the load paused.
   */
  async function drill(name: string, fault: () => Promise<string | void>): Promise<DrillSummary> {
    const first = load.accepted.length;
    const firstAttempt = load.attempts.length;
    await designed.inject(name.replace(/[^a-z0-9]+/gi, '-'));
    load.start();
    await waitFor('load to flow before the fault', () => acceptedSince(first) >= RATE * 2, {
      timeoutMs: 60_000,
    });
    const extra = await fault();
    const faultEnded = Date.now();
    const resumed = load.accepted.length;
    await waitFor(
      'orders to be accepted after the fault',
      () => acceptedSince(resumed) >= RATE * 2,
      {
        timeoutMs: 120_000,
      },
    );
    await load.pause();
    await checker.settle(load.accepted);
    const recoverMs = Date.now() - faultEnded;
    const checkStarted = Date.now();
    const report = await checker.check(load.accepted);
    const checkMs = Date.now() - checkStarted;
    const summary: DrillSummary = {
      drill: name,
      accepted: acceptedSince(first),
      report,
      retried: load.attempts.slice(firstAttempt).filter((a) => a.status !== 201),
      recoverMs,
      checkMs,
      extra: extra || undefined,
    };
    summaries.push(summary);
    process.stdout.write(`${formatSummary(summary)}\n`);
    return summary;
  }

  /** Everything a drill must leave intact. */
  function expectInvariants({ report }: DrillSummary) {
    expect(report.problems.slice(0, 20)).toEqual([]);
    expect(report.lost).toBe(0);
    expect(report.duplicated).toBe(0);
    expect(report.wrongStatus).toBe(0);
    expect(report.missingOnKafka).toBe(0);
    expect(report.reservationProblems).toBe(0);
    expect(report.deadLetters.unexpected).toEqual([]);
    expect(report.deadLetters.missing).toEqual([]);
    for (const [sku, { available, sold, confirmedQuantity }] of Object.entries(report.stock)) {
      // Exact stock: inventory has handed out what the confirmed orders hold, no more (no
      // units stranded by a change whose answer was lost) and no less (never oversold,
      // never given back twice). Stock changes carry operation ids (ADR 0010).
      expect(available).toBeGreaterThanOrEqual(0);
      expect({ sku, sold }).toEqual({ sku, sold: confirmedQuantity });
    }
    expect(load.unexpected).toEqual([]);
  }

  describe('kill -9, then restart', () => {
    it.each<Role>(['bridge', 'projector', 'payments', 'orders-b'])('%s', async (role) => {
      const summary = await drill(`kill -9 ${role}`, async () => {
        const { downMs } = await system.restart(role, 'SIGKILL');
        return `back in ${(downMs / 1_000).toFixed(1)} s`;
      });
      expectInvariants(summary);
    });
  });

  it(`Kafka down for ${KAFKA_OUTAGE_MS / 1_000} s: the HTTP fast path keeps answering 201`, async () => {
    let window = { from: 0, to: 0 };
    const summary = await drill('Kafka broker down', async () => {
      await kafka.down();
      const from = Date.now();
      // A deliberate outage, not a wait for a condition: the bridge and the projector must
      // live through a Kafka that is gone for longer than their clients' retries.
      await sleep(KAFKA_OUTAGE_MS);
      // Timers run on a monotonic clock and may end a millisecond before `Date.now()` says
      // the time has passed (a CI run measured 19,999 ms): wait out any remainder, so the
      // window the checks use (wall clock, like the load's timestamps) is the full outage.
      while (Date.now() - from < KAFKA_OUTAGE_MS) await sleep(from + KAFKA_OUTAGE_MS - Date.now());
      window = { from, to: Date.now() };
      await kafka.up();
      return `down ${((window.to - window.from) / 1_000).toFixed(1)} s`;
    });
    const during = load.attempts.filter((a) => a.at >= window.from && a.at <= window.to);
    const created = during.filter((a) => a.status === 201).length;
    summary.extra += `, ${created}/${during.length} POSTs answered 201 while Kafka was down`;
    expect(window.to - window.from).toBeGreaterThanOrEqual(KAFKA_OUTAGE_MS);
    expect(during.length).toBeGreaterThan((RATE * KAFKA_OUTAGE_MS) / 1_000 / 2);
    expect(during.filter((a) => a.status !== 201)).toEqual([]);
    expectInvariants(summary);
  });

  it('the NATS server restarts (same store dir): streams, consumers and KV survive', async () => {
    const summary = await drill('NATS server restart', async () => {
      const started = Date.now();
      await nats.restart();
      return `NATS back in ${((Date.now() - started) / 1_000).toFixed(1)} s`;
    });
    expectInvariants(summary);
  });

  describe('SIGTERM under load: unready first, drain, exit, restart', () => {
    it.each<Role>([
      'gateway',
      'orders-a',
      'orders-b',
      'inventory',
      'payments',
      'bridge',
      'projector',
    ])('%s', async (role) => {
      let trace: ReadinessTrace = { sawUnready: false, answers: [] };
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      const summary = await drill(`SIGTERM ${role}`, async () => {
        const { stopMs, downMs } = await system.restart(role, 'SIGTERM', async (service) => {
          trace = await watchReadiness(service);
          exit = { code: service.child.exitCode, signal: service.child.signalCode };
        });
        return `drained and exited in ${(stopMs / 1_000).toFixed(1)} s, back in ${(downMs / 1_000).toFixed(1)} s, /readyz ${trace.sawUnready ? '503 before exit' : 'never 503'}`;
      });
      // Nest runs every shutdown hook, then re-raises the signal: a graceful exit ends
      // "killed by SIGTERM" (or 0), never with an error code.
      expect([
        { code: 0, signal: null },
        { code: null, signal: 'SIGTERM' },
      ]).toContainEqual(exit);
      expect(trace.sawUnready).toBe(true);
      expectInvariants(summary);
    });
  });
});
