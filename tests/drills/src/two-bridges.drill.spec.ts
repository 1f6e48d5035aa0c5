import { jetstreamManager } from '@nats-io/jetstream';
import { topology } from '@switchyard/contracts';
import { uniqueNamespace, waitFor } from '@switchyard/testkit';
import { checkDrill } from './checks/check-drill';
import { expectInvariants } from './checks/expect-invariants';
import { checkKafkaOrder, type KafkaOrderReport } from './checks/kafka-order';
import { formatSummary, type DrillSummary } from './drill-summary';
import { bridgeState } from './system/bridge-lease-watch';
import { ROLES_WITH_TWO_BRIDGES, type Role } from './system/drill-system';
import { DrillHarness, type DrillWorld } from './system/drill-harness';
import { drillStart } from './system/drill-start';

/** Orders per second through the HTTP API while the drill runs (2-core CI machine). */
const RATE = Number(process.env.DRILL_RATE ?? 25);
const BRIDGES = ['bridge-a', 'bridge-b'] as const satisfies readonly Role[];
type Bridge = (typeof BRIDGES)[number];
const seconds = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;

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
  /** Brokers, system, load and checks of this file, once `beforeAll` has started them. */
  let world: DrillWorld;
  /** Where the previous drill's orders begin in `load.accepted`. */
  let previousFrom = 0;

  const harness = new DrillHarness({
    label: 'two-bridges',
    // Every service on its own NATS user, the checks as admin; a refused right fails the file.
    natsAuth: true,
    namespace,
    ratePerSecond: RATE,
    env: {
      // Takeover after a kill ≈ lease TTL + ack_wait (the dead holder's batch comes back
      // first): seconds, not the production defaults' half minute.
      BRIDGE_LEASE_TTL_MS: '3000',
    },
    roles: ROLES_WITH_TWO_BRIDGES,
  });

  beforeAll(async () => {
    world = await harness.start();
  }, 300_000);

  afterAll(async () => {
    process.stdout.write(`\n${summaries.map(formatSummary).join('\n')}\n\n`);
    await harness.tearDown();
  }, 180_000);

  /** The bridge that holds the route's lease, once exactly one does. */
  async function activeBridge(): Promise<Bridge> {
    return waitFor(
      'exactly one bridge to hold the lease',
      async () => {
        const states = await Promise.all(
          BRIDGES.map((role) => bridgeState(world.system.process(role), route.name)),
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
    const before = await bridgeState(world.system.process(standby), route.name);
    expect(before.active).toBe(false);
    // A standby forwards nothing (its count stays where it was while it waited).
    const stoppedAt = Date.now();
    const stopping = world.system.process(active).stop(signal);
    let leaseMs: number | undefined;
    const forwardMs = await waitFor(
      `${standby} to take over and forward`,
      async () => {
        const state = await bridgeState(world.system.process(standby), route.name);
        if (state.active) leaseMs ??= Date.now() - stoppedAt;
        return state.forwarded > before.forwarded && Date.now() - stoppedAt;
      },
      { timeoutMs: 120_000, intervalMs: 50 },
    );
    await stopping;
    await world.system.start(active);
    return `${active} stopped, ${standby} took the lease in ${seconds(leaseMs ?? forwardMs)} and forwarded its first batch ${seconds(forwardMs)} after the ${signal}`;
  }

  /** Until the route's durable has nothing pending or unacked: every event reached Kafka. */
  async function drained(): Promise<void> {
    const jsm = await jetstreamManager(world.nc);
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
    const baseline = await drillStart(world, previousFrom);
    const first = (previousFrom = baseline.from);
    const firstAttempt = world.load.attempts.length;
    await world.designed.inject(name.replace(/[^a-z0-9]+/gi, '-'));
    world.load.start();
    await waitFor(
      'load to flow before the fault',
      () => world.load.accepted.length - first >= RATE * 2,
      {
        timeoutMs: 60_000,
      },
    );
    const extra = await takeover(signal);
    const faultEnded = Date.now();
    const resumed = world.load.accepted.length;
    await waitFor(
      'orders to be accepted after the takeover',
      () => world.load.accepted.length - resumed >= RATE * 2,
      { timeoutMs: 120_000 },
    );
    await world.load.pause();
    // The order on Kafka first, once the bridge has forwarded everything: if two bridges
    // interleaved an order's events, the read model never settles (the projector cannot
    // place an OrderConfirmed before its OrderPlaced), and this line says why.
    // The drill's own orders only: an earlier drill's reorder is that drill's failure.
    const drillOrderIds = new Set(world.load.accepted.slice(first).map((o) => o.orderId));
    const order = await drained().then(() =>
      checkKafkaOrder([world.kafka.brokers], route.topic, drillOrderIds),
    );
    process.stdout.write(
      `[drill] ${name}: Kafka order: ${order.orders} orders, ${order.outOfOrder} out of order${order.problems.length ? `, e.g. ${order.problems.slice(0, 3).join('; ')}` : ''}\n`,
    );
    await world.checker.settle(world.load.accepted.slice(first));
    const recoverMs = Date.now() - faultEnded;
    const summary = await checkDrill(
      world,
      {
        name,
        baseline,
        firstAttempt,
        recoverMs,
        extra: `${extra}; Kafka order: ${order.orders} orders, ${order.records} records (${order.resent} re-sent), ${order.outOfOrder} out of order`,
      },
      summaries,
    );
    return [summary, order];
  }

  /**
   * Every order's events in version order on Kafka (two bridges must never interleave one
   * order's events), and the same guarantees as every other drill: 0 lost, 0 duplicated,
   * stock exact, reservations settled, the designed dead letters and no others.
   */
  function expectNothingLostAndInOrder([summary, order]: [DrillSummary, KafkaOrderReport]) {
    expect(order.problems).toEqual([]);
    expect(order.outOfOrder).toBe(0);
    expectInvariants(summary, world.load);
  }

  it('kill -9 the active bridge: the standby takes over, 0 lost, every order in order on Kafka', async () => {
    expectNothingLostAndInOrder(await drill('kill -9 active bridge', 'SIGKILL'));
  });

  it('SIGTERM the active bridge: it releases the lease, the standby takes over without waiting out the TTL', async () => {
    expectNothingLostAndInOrder(await drill('SIGTERM active bridge', 'SIGTERM'));
  });
});
