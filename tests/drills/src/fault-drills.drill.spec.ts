import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { topology } from '@switchyard/contracts';
import { uniqueNamespace, waitFor } from '@switchyard/testkit';
import { checkDrill } from './checks/check-drill';
import { expectInvariants } from './checks/expect-invariants';
import { formatSummary, type DrillSummary } from './drill-summary';
import type { Role } from './system/drill-system';
import { watchReadiness, type ReadinessTrace } from './system/readiness-watch';
import { bridgeState } from './system/bridge-lease-watch';
import { DrillHarness, type DrillWorld } from './system/drill-harness';
import { drillStart } from './system/drill-start';

/** Orders per second through the HTTP API while the drills run (2-core CI machine). */
const RATE = Number(process.env.DRILL_RATE ?? 25);
/** How long the drill's Kafka broker stays down at least: long enough for every client to give up. */
const KAFKA_OUTAGE_MS = 20_000;
/**
 * Orders that must be answered 201 while Kafka is down before it comes back: enough to
 * show the fast path does not need Kafka, whatever rate this machine reaches (the rate
 * achieved is printed, not asserted: speed is the bench's business).
 */
const ACCEPTED_WHILE_KAFKA_DOWN = 100;

/**
 * ### Fault drills: break one thing under load, bring it back, check every guarantee.
 *
 * One system for the whole file (started once, on brokers of its own: free ports, fresh
 * directories), one drill at a time. Each drill starts from a known point and a baseline
 * (`drillStart`), then: designed failures are slipped in, the load flows, the fault hits,
 * the part comes back, more load proves it takes work again, then the load pauses and
 * the drill's own orders, stock, events and dead letters are checked (`InvariantChecker`).
 */
describe('fault drills', () => {
  const namespace = uniqueNamespace('d');
  const names = topology(namespace);
  const route = names.bridgeRoutes[0];
  const summaries: DrillSummary[] = [];
  /** Brokers, system, load and checks of this file, once `beforeAll` has started them. */
  let world: DrillWorld;
  /** Where the previous drill's orders begin in `load.accepted`. */
  let previousFrom = 0;

  const harness = new DrillHarness({
    label: 'fault-drills',
    // Every service on its own NATS user, the checks as admin; a refused right fails the file.
    natsAuth: true,
    namespace,
    ratePerSecond: RATE,
  });

  beforeAll(async () => {
    world = await harness.start();
  }, 300_000);

  afterAll(async () => {
    process.stdout.write(`\n${summaries.map(formatSummary).join('\n')}\n\n`);
    await harness.tearDown();
  }, 180_000);

  /** Orders accepted since `index` in `load.accepted`. */
  const acceptedSince = (index: number) => world.load.accepted.length - index;

  /**
   * Runs one drill: load flows, `fault` breaks something and brings it back, the
   * system must take work again, then the invariants are checked with the load paused.
   */
  async function drill(name: string, fault: () => Promise<string | void>): Promise<DrillSummary> {
    const baseline = await drillStart(world, previousFrom);
    const first = (previousFrom = baseline.from);
    const firstAttempt = world.load.attempts.length;
    await world.designed.inject(name.replace(/[^a-z0-9]+/gi, '-'));
    world.load.start();
    await waitFor('load to flow before the fault', () => acceptedSince(first) >= RATE * 2, {
      timeoutMs: 60_000,
    });
    const extra = await fault();
    const faultEnded = Date.now();
    const resumed = world.load.accepted.length;
    await waitFor(
      'orders to be accepted after the fault',
      () => acceptedSince(resumed) >= RATE * 2,
      {
        timeoutMs: 120_000,
      },
    );
    await world.load.pause();
    await world.checker.settle(world.load.accepted.slice(first));
    const recoverMs = Date.now() - faultEnded;
    return checkDrill(
      world,
      { name, baseline, firstAttempt, recoverMs, extra: extra || undefined },
      summaries,
    );
  }

  describe('kill -9, then restart', () => {
    it.each<Role>(['bridge', 'projector', 'payments', 'orders-b'])('%s', async (role) => {
      const summary = await drill(`kill -9 ${role}`, async () => {
        const { downMs } = await world.system.restart(role, 'SIGKILL');
        return `back in ${(downMs / 1_000).toFixed(1)} s`;
      });
      expectInvariants(summary, world.load);
    });
  });

  it(`Kafka down for ${KAFKA_OUTAGE_MS / 1_000} s or more: the HTTP fast path keeps answering 201`, async () => {
    const jsm = await jetstreamManager(world.nc);
    let window = { from: 0, to: 0 };
    let forwardedWhileDown = 0;
    let backlogAtEnd = 0;
    let acceptedBeforeBacklog = 0;
    const createdSince = (from: number) =>
      world.load.attempts.filter((a) => a.at >= from && a.status === 201).length;
    const summary = await drill('Kafka broker down', async () => {
      await world.kafka.down();
      const from = Date.now();
      const forwardedAtStart = (await bridgeState(world.system.process('bridge'), route.name))
        .forwarded;
      // A deliberate outage, not a wait for a condition: the bridge and the projector must
      // live through a Kafka that is gone for longer than their clients' retries...
      await sleep(KAFKA_OUTAGE_MS);
      // ...and it lasts until enough orders were accepted without Kafka, however slowly
      // this machine places them: an outcome, bounded, never a rate.
      await waitFor(
        `${ACCEPTED_WHILE_KAFKA_DOWN} POSTs answered 201 while Kafka is down`,
        () => createdSince(from) >= ACCEPTED_WHILE_KAFKA_DOWN,
        { timeoutMs: 180_000 },
      );
      // Kafka really was gone: the bridge got no batch acked, and the events of the orders
      // accepted meanwhile wait in JetStream (each 201 came after its OrderPlaced was
      // stored there, so the backlog holds at least one event per order answered so far).
      // Read before Kafka comes back.
      forwardedWhileDown =
        (await bridgeState(world.system.process('bridge'), route.name)).forwarded -
        forwardedAtStart;
      acceptedBeforeBacklog = createdSince(from);
      const info = await jsm.consumers.info(route.stream, route.durable);
      backlogAtEnd = info.num_pending + info.num_ack_pending;
      window = { from, to: Date.now() };
      await world.kafka.up();
      return `down ${((window.to - window.from) / 1_000).toFixed(1)} s`;
    });
    const during = world.load.attempts.filter((a) => a.at >= window.from && a.at <= window.to);
    const created = during.filter((a) => a.status === 201).length;
    const rate = created / ((window.to - window.from) / 1_000);
    summary.extra += `, ${created}/${during.length} POSTs answered 201 while Kafka was down (${rate.toFixed(1)}/s), bridge forwarded ${forwardedWhileDown}, backlog ${backlogAtEnd} events`;
    process.stdout.write(`[drill] Kafka broker down: ${summary.extra}\n`);
    expect({
      forwardedWhileDown,
      backlogHoldsEveryAcceptedOrder: backlogAtEnd >= acceptedBeforeBacklog,
    }).toEqual({ forwardedWhileDown: 0, backlogHoldsEveryAcceptedOrder: true });
    expect(created).toBeGreaterThanOrEqual(ACCEPTED_WHILE_KAFKA_DOWN);
    expect(during.filter((a) => a.status !== 201)).toEqual([]);
    expectInvariants(summary, world.load);
  });

  it('the NATS server restarts (same store dir): streams, consumers and KV survive', async () => {
    const summary = await drill('NATS server restart', async () => {
      const started = Date.now();
      await world.nats.restart();
      return `NATS back in ${((Date.now() - started) / 1_000).toFixed(1)} s`;
    });
    expectInvariants(summary, world.load);
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
        const { stopMs, downMs } = await world.system.restart(role, 'SIGTERM', async (service) => {
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
      expectInvariants(summary, world.load);
    });
  });
});
