import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { topology } from '@switchyard/contracts';
import { connectNats } from '@switchyard/messaging';
import { repoRoot, testEnv, uniqueNamespace, waitFor } from '@switchyard/testkit';
import { Client } from 'pg';
import { DrillKafka } from './brokers/drill-kafka';
import { DrillNats } from './brokers/drill-nats';
import { freePort } from './brokers/free-port';
import { DesignedFailures } from './checks/designed-failures';
import { InvariantChecker } from './checks/invariants';
import { checkKafkaOrder, type KafkaOrderReport } from './checks/kafka-order';
import { formatSummary, type DrillSummary } from './drill-summary';
import { OrderLoad } from './load/order-load';
import { bridgeState } from './system/bridge-lease-watch';
import { DrillSystem, ROLES_WITH_TWO_BRIDGES, type Role } from './system/drill-system';
import { drillStart } from './system/drill-start';
import { seedDrillStock } from './system/seed-stock';
import { tearDown } from './system/tear-down';

/** Orders per second through the HTTP API while the drill runs (2-core CI machine). */
const RATE = Number(process.env.DRILL_RATE ?? 25);
const BRIDGES = ['bridge-a', 'bridge-b'] as const satisfies readonly Role[];
type Bridge = (typeof BRIDGES)[number];
const seconds = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;
const artifacts = join(repoRoot, 'test-artifacts');

/**
 * ### Two bridges on one route, under load: the active one is killed.
 *
 * Both bridge instances share the route's durable consumer, as `docker compose up
 * --scale bridge=2`, a rolling update or a second `npm run demo` would run them. Only the
 * holder of the route's lease (JetStream KV, ADR 0025) forwards; the other stands by.
 * The drill kills the active one (`kill -9`, then SIGTERM) and checks that the standby
 * takes over, nothing is lost, and every order's events are on Kafka in version order
 * (duplicates allowed: a batch the dead holder sent but did not ack is sent again).
 *
 * Its own NATS and Kafka (free ports, fresh directories), so it never shares a broker
 * with the other drill file or another run; the drill tier runs its files one at a time
 * (`--runInBand`). Each drill checks its own orders only (`drillStart`, a baseline).
 */
describe('two bridges', () => {
  const namespace = uniqueNamespace('d2');
  const names = topology(namespace);
  const route = names.bridgeRoutes[0];
  const summaries: DrillSummary[] = [];
  let natsStore: string | undefined;
  let kafka: DrillKafka;
  let nats: DrillNats;
  let nc: NatsConnection;
  let pg: Client;
  let system: DrillSystem;
  let designed: DesignedFailures;
  let checker: InvariantChecker;
  let load: OrderLoad;
  /** Where the previous drill's orders begin in `load.accepted`. */
  let previousFrom = 0;

  beforeAll(async () => {
    kafka = await DrillKafka.create('two-bridges');
    await kafka.up();
    natsStore = mkdtempSync(join(tmpdir(), 'switchyard-drill2-nats-'));
    nats = await DrillNats.start(natsStore, artifacts);
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
        PAYMENTS_DECLINE_RATE: '0',
        PAYMENTS_FAILURE_RATE: '0',
        PAYMENTS_LATENCY_MS: '5',
        PAYMENTS_ACK_WAIT_MS: '5000',
        SAGA_ACK_WAIT_MS: '5000',
        ORDERS_PAYMENT_TIMEOUT_MS: '300000',
        // Takeover after a kill ≈ lease TTL + ack_wait (the dead holder's batch comes back
        // first): seconds, not the production defaults' half minute.
        BRIDGE_ACK_WAIT_MS: '5000',
        BRIDGE_LEASE_TTL_MS: '3000',
      },
      await freePort(),
      ROLES_WITH_TWO_BRIDGES,
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
    process.stdout.write(`\n${summaries.map(formatSummary).join('\n')}\n\n`);
    // Every step runs, even when one before it fails: the broker and dirs never outlive a run.
    await tearDown([
      ['pause the load', () => load?.pause()],
      ['stop the services', () => system?.stopAll()],
      ['disconnect the poison producer', () => designed?.disconnect()],
      ['close NATS', () => nc?.close()],
      [
        'drop the schema',
        () => pg?.query(`DROP SCHEMA IF EXISTS "${names.postgres.schema}" CASCADE`),
      ],
      ['close Postgres', () => pg?.end()],
      ['stop nats-server', () => nats?.down()],
      [
        'delete the NATS store',
        () => natsStore && rmSync(natsStore, { recursive: true, force: true }),
      ],
      ['remove the Kafka broker', () => kafka?.remove(artifacts)],
    ]);
  }, 180_000);

  /** The bridge that holds the route's lease, once exactly one does. */
  async function activeBridge(): Promise<Bridge> {
    return waitFor(
      'exactly one bridge to hold the lease',
      async () => {
        const states = await Promise.all(
          BRIDGES.map((role) => bridgeState(system.process(role), route.name)),
        );
        const active = BRIDGES.filter((_, index) => states[index]!.active);
        return active.length === 1 && active[0];
      },
      { timeoutMs: 60_000 },
    );
  }

  /**
   * Stops the active bridge with `signal` under load and times the takeover on the
   * standby: until its lease gauge is 1, and until it has forwarded its first batch
   * (Kafka acked it: the forward-latency count grew). Then restarts the stopped one,
   * which stands by.
   */
  async function takeover(signal: NodeJS.Signals): Promise<string> {
    const active = await activeBridge();
    const standby = BRIDGES.find((role) => role !== active)!;
    const before = await bridgeState(system.process(standby), route.name);
    expect(before.active).toBe(false);
    // A standby forwards nothing (its count stays where it was while it waited).
    const stoppedAt = Date.now();
    const stopping = system.process(active).stop(signal);
    let leaseMs: number | undefined;
    const forwardMs = await waitFor(
      `${standby} to take over and forward`,
      async () => {
        const state = await bridgeState(system.process(standby), route.name);
        if (state.active) leaseMs ??= Date.now() - stoppedAt;
        return state.forwarded > before.forwarded && Date.now() - stoppedAt;
      },
      { timeoutMs: 120_000, intervalMs: 50 },
    );
    await stopping;
    await system.start(active);
    return `${active} stopped, ${standby} took the lease in ${seconds(leaseMs ?? forwardMs)} and forwarded its first batch ${seconds(forwardMs)} after the ${signal}`;
  }

  /** Until the route's durable has nothing pending or unacked: every event reached Kafka. */
  async function drained(): Promise<void> {
    const jsm = await jetstreamManager(nc);
    await waitFor(
      'the bridge to have forwarded and acked everything',
      async () => {
        const info = await jsm.consumers.info(route.stream, route.durable);
        return info.num_pending === 0 && info.num_ack_pending === 0;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
  }

  async function drill(
    name: string,
    signal: NodeJS.Signals,
  ): Promise<[DrillSummary, KafkaOrderReport]> {
    const baseline = await drillStart({ load, system, nats, kafka, checker }, previousFrom);
    const first = (previousFrom = baseline.from);
    const firstAttempt = load.attempts.length;
    await designed.inject(name.replace(/[^a-z0-9]+/gi, '-'));
    load.start();
    await waitFor('load to flow before the fault', () => load.accepted.length - first >= RATE * 2, {
      timeoutMs: 60_000,
    });
    const extra = await takeover(signal);
    const faultEnded = Date.now();
    const resumed = load.accepted.length;
    await waitFor(
      'orders to be accepted after the takeover',
      () => load.accepted.length - resumed >= RATE * 2,
      { timeoutMs: 120_000 },
    );
    await load.pause();
    // The order on Kafka first, once the bridge has forwarded everything: if two bridges
    // interleaved an order's events, the read model never settles (the projector cannot
    // place an OrderConfirmed before its OrderPlaced), and this line says why.
    // The drill's own orders only: an earlier drill's reorder is that drill's failure.
    const drillOrderIds = new Set(load.accepted.slice(first).map((o) => o.orderId));
    const order = await drained().then(() =>
      checkKafkaOrder([kafka.brokers], route.topic, drillOrderIds),
    );
    process.stdout.write(
      `[drill] ${name}: Kafka order: ${order.orders} orders, ${order.outOfOrder} out of order${order.problems.length ? `, e.g. ${order.problems.slice(0, 3).join('; ')}` : ''}\n`,
    );
    await checker.settle(load.accepted.slice(first));
    const recoverMs = Date.now() - faultEnded;
    const checkStarted = Date.now();
    const report = await checker.check(load.accepted, baseline);
    const summary: DrillSummary = {
      drill: name,
      accepted: load.accepted.length - first,
      report,
      retried: load.attempts.slice(firstAttempt).filter((a) => a.status !== 201),
      recoverMs,
      checkMs: Date.now() - checkStarted,
      extra: `${extra}; Kafka order: ${order.orders} orders, ${order.records} records (${order.resent} re-sent), ${order.outOfOrder} out of order`,
    };
    summaries.push(summary);
    process.stdout.write(`${formatSummary(summary)}\n`);
    return [summary, order];
  }

  function expectNothingLostAndInOrder([{ report }, order]: [DrillSummary, KafkaOrderReport]) {
    expect(order.problems).toEqual([]);
    expect(order.outOfOrder).toBe(0);
    expect(report.problems.slice(0, 20)).toEqual([]);
    expect(report.lost).toBe(0);
    expect(report.duplicated).toBe(0);
    expect(report.wrongStatus).toBe(0);
    expect(report.missingOnKafka).toBe(0);
    expect(report.deadLetters.unexpected).toEqual([]);
    expect(report.deadLetters.missing).toEqual([]);
    expect(load.unexpected).toEqual([]);
  }

  it('kill -9 the active bridge: the standby takes over, 0 lost, every order in order on Kafka', async () => {
    expectNothingLostAndInOrder(await drill('kill -9 active bridge', 'SIGKILL'));
  });

  it('SIGTERM the active bridge: it releases the lease, the standby takes over without waiting out the TTL', async () => {
    expectNothingLostAndInOrder(await drill('SIGTERM active bridge', 'SIGTERM'));
  });
});
