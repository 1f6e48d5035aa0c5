import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { createKafka, KafkaAdmin } from '@switchyard/messaging';
import { uniqueNamespace, waitFor, type ClusterNode, type LocalCluster } from '@switchyard/testkit';
import { CLUSTER_NODES } from './brokers/drill-clusters';
import { checkDrill } from './checks/check-drill';
import { expectInvariants } from './checks/expect-invariants';
import { formatSummary, type DrillSummary } from './drill-summary';
import { faultFigures, formatFaultFigures } from './load/fault-window';
import { bridgeState } from './system/bridge-lease-watch';
import { DrillHarness, type ClusterDrillWorld } from './system/drill-harness';
import { drillStart } from './system/drill-start';

/** Orders per second through the HTTP API while the drills run (2-core CI machine). */
const RATE = Number(process.env.DRILL_RATE ?? 25);
/**
 * How long a cluster may take to be whole again after a node came back (every replica
 * current): seconds on a quiet machine, 180 s on one loaded far beyond CI's. A bound, not a
 * wait: the drill goes on the moment the cluster is whole, and prints how long that took; a
 * timeout says which stream or partition was behind.
 */
const CATCH_UP_MS = 180_000;
/**
 * Per drill: up to three waits for orders to flow (120 s each), a catch-up per node
 * restarted, the settle (150 s): the tier's 300 s default would cut a slow drill short
 * with "Exceeded timeout" instead of the wait that was slow and what it last saw.
 */
const DRILL_TIMEOUT_MS = 900_000;

const quiet = { log() {}, warn() {}, error() {} };

/**
 * ### Cluster drills: lose a node of a 3-node cluster under load, bring it back, check every guarantee.
 *
 * The system of the single-broker drills (fault-drills.drill.spec.ts), on a 3-node NATS
 * cluster and a 3-broker Kafka cluster of its own (`DrillHarness.startOnClusters`, ADR
 * 0042), with what production declares there: 3 replicas of every stream, bucket and
 * topic, `min.insync.replicas` 2. Each drill takes away one node, the one that matters
 * most (the `ORDERS` leader, the leader of a partition the bridge writes), or each node
 * in turn (a rolling restart), and then checks the same invariants as the single-broker
 * drills: nothing lost or doubled, stock exact, every event on Kafka in order. The
 * figures an operator asks about are printed per drill: HTTP errors and p99 during the
 * fault, how long writes stalled, how long until the read model had caught up.
 */
// Skipped from CI run 8 to this fix: two of its four drills failed there, both real bugs.
// After the ORDERS leader's kill, payment requests were dead-lettered while PAYMENT_EVENTS
// elected a leader (orders left PLACED with the payment taken: ADR 0048), and a redelivered
// OrderPlaced released a confirmed order's stock (the saga's second read). The Kafka rolling
// restart's 3 extra units fit either: an order the first failure left PLACED, cancelled by
// its 300 s deadline during that later drill (its units back), or that release (not seen since).
describe('cluster drills', () => {
  const namespace = uniqueNamespace('c');
  const harness = new DrillHarness({ label: 'cluster-drills', namespace, ratePerSecond: RATE });
  const summaries: DrillSummary[] = [];
  let world: ClusterDrillWorld;
  let jsm: JetStreamManager;
  let admin: KafkaAdmin;
  let previousFrom = 0;

  beforeAll(async () => {
    world = await harness.startOnClusters();
    jsm = await jetstreamManager(world.nc);
    admin = new KafkaAdmin(
      createKafka({
        clientId: 'cluster-drill-admin',
        brokers: world.clusters.kafka.addresses.split(','),
        logger: quiet,
      }),
    );
    await admin.connect();
  }, 420_000);

  afterAll(async () => {
    process.stdout.write(`\n${summaries.map(formatSummary).join('\n')}\n\n`);
    await admin?.disconnect().catch(() => undefined);
    await harness.tearDown();
  }, 180_000);

  const ordersStream = () => world.names.nats.streams.orders.name;
  const ordersTopic = () => world.names.kafka.topics.orderEvents.name;
  const acceptedSince = (index: number) => world.load.accepted.length - index;

  /** Orders keep being accepted: twice the rate's worth since `index`. */
  const ordersFlowSince = (what: string, index: number) =>
    waitFor(
      what,
      () => {
        if (acceptedSince(index) >= RATE * 2) return true;
        // Thrown so that a timeout tells how far the load got and what the API answered.
        const last = world.load.attempts.slice(-10).map(({ status }) => status);
        throw new Error(`${acceptedSince(index)} accepted; last answers ${last.join(' ')}`);
      },
      { timeoutMs: 120_000 },
    );

  /** Every stream and KV bucket has a leader and all its replicas current, none offline. */
  const natsWhole = () =>
    waitFor(
      'every JetStream stream led and its replicas current',
      async () => {
        // What is not whole is thrown, not just false: waitFor keeps the last error, so a
        // timeout names the stream and its replicas' state instead of only "timed out".
        for await (const info of jsm.streams.list()) {
          const replicas = info.cluster?.replicas ?? [];
          const whole =
            Boolean(info.cluster?.leader) &&
            replicas.length === 2 &&
            replicas.every((replica) => replica.current && !replica.offline);
          if (!whole)
            throw new Error(
              `stream ${info.config.name}: leader ${info.cluster?.leader ?? 'none'}, replicas ${JSON.stringify(replicas)}`,
            );
        }
        return true;
      },
      { timeoutMs: CATCH_UP_MS, intervalMs: 500 },
    );

  /** Every partition of the system's topics has all three replicas in sync. */
  const kafkaWhole = () =>
    waitFor(
      'every partition with its 3 replicas in sync',
      async () => {
        for (const { name } of Object.values(world.names.kafka.topics)) {
          const under = await admin.underReplicatedPartitions(name);
          // Thrown so that a timeout says which partitions (see natsWhole).
          if (under.length > 0)
            throw new Error(`${name}: partitions ${under.join(', ')} under-replicated`);
        }
        return true;
      },
      { timeoutMs: CATCH_UP_MS, intervalMs: 500 },
    );

  /**
   * Runs one drill: load flows, `fault` takes nodes away and brings them back (the
   * cluster whole again), more load proves the system takes work, then the load pauses
   * and the invariants are checked.
   */
  async function drill(name: string, fault: () => Promise<string>): Promise<DrillSummary> {
    const baseline = await drillStart(world, previousFrom);
    const first = (previousFrom = baseline.from);
    const firstAttempt = world.load.attempts.length;
    await world.designed.inject(name.replace(/[^a-z0-9]+/gi, '-'));
    world.load.start();
    await ordersFlowSince('load to flow before the fault', first);
    const faultStarted = Date.now();
    const extra = await fault();
    const faultEnded = Date.now();
    await ordersFlowSince('orders to be accepted after the fault', world.load.accepted.length);
    await world.load.pause();
    await world.checker.settle(world.load.accepted.slice(first)).catch(async (error: Error) => {
      // Kept in the failure: the clusters are gone after the file.
      const why = await world.checker
        .explainUnsettled(world.load.accepted.slice(first))
        .catch((failed: unknown) => `could not explain: ${String(failed)}`);
      throw new Error(`${error.message}\n${why}`);
    });
    // From the cluster being whole again until every accepted order is terminal in the
    // read model (it includes the load after the fault, a few seconds).
    const recoverMs = Date.now() - faultEnded;
    const figures = faultFigures(world.load.attempts, faultStarted, faultEnded);
    return checkDrill(
      world,
      {
        name,
        baseline,
        firstAttempt,
        recoverMs,
        extra: `${extra}; ${formatFaultFigures(figures)}`,
      },
      summaries,
    );
  }

  const seconds = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;

  it(
    'kill -9 the NATS node leading ORDERS, then restart it',
    async () => {
      let killed: ClusterNode | undefined;
      let successor: ClusterNode | undefined;
      const summary = await drill('kill -9 NATS leader', async () => {
        killed = await world.clusters.natsLeaderOf(jsm, ordersStream());
        await world.clusters.nats.killNode(killed);
        const at = Date.now();
        // Down until the two others have taken over: orders are written again without it.
        await ordersFlowSince(
          'orders accepted with the ORDERS leader gone',
          world.load.accepted.length,
        );
        successor = await world.clusters.natsLeaderOf(jsm, ordersStream());
        const writesMs = Date.now() - at;
        await world.clusters.nats.startNode(killed);
        await natsWhole();
        return `killed node ${killed}, ORDERS led by node ${successor}, orders flowing ${seconds(writesMs)} after the kill, whole again ${seconds(Date.now() - at)} after it`;
      });
      expect(successor).not.toBe(killed);
      expectInvariants(summary, world.load);
    },
    DRILL_TIMEOUT_MS,
  );

  it(
    'kill -9 the Kafka broker leading a partition the bridge writes, then restart it',
    async () => {
      const route = world.names.bridgeRoutes[0];
      let forwardedWhileDown = 0;
      const summary = await drill('kill -9 Kafka leader', async () => {
        // The projector's group coordinator, which with 3 partitions on 3 brokers also leads
        // a partition the bridge writes: the producer must find the partition's new leader
        // while the projector finds a new coordinator and rejoins its group.
        const killed = await world.clusters.kafkaCoordinatorOf(
          admin,
          world.names.kafka.groups.projector,
        );
        const leaders = await admin.partitionLeaders(ordersTopic());
        const partition = [...leaders].find(([, leader]) => leader === killed)?.[0];
        if (partition === undefined)
          throw new Error(
            `broker ${killed} leads no partition of ${ordersTopic()}: ${JSON.stringify([...leaders])}`,
          );
        await world.clusters.kafka.killNode(killed);
        const at = Date.now();
        const before = (await bridgeState(world.system.process('bridge'), route.name)).forwarded;
        // Down until the bridge has forwarded a good share of orders through the two
        // brokers left: the partition's leadership moved and the producer followed it.
        await waitFor(
          'the bridge to forward again with a broker gone',
          async () => {
            const state = await bridgeState(world.system.process('bridge'), route.name);
            forwardedWhileDown = state.forwarded - before;
            if (forwardedWhileDown >= RATE * 4) return true;
            throw new Error(
              `${forwardedWhileDown} forwarded since the kill: ${JSON.stringify(state)}`,
            );
          },
          { timeoutMs: 120_000, intervalMs: 500 },
        );
        const successor = await world.clusters.kafkaLeaderOf(admin, ordersTopic(), partition);
        const forwardingMs = Date.now() - at;
        await world.clusters.kafka.startNode(killed);
        await kafkaWhole();
        return `killed broker ${killed} (projector's group coordinator), partition ${partition} led by broker ${successor}, ${forwardedWhileDown} events forwarded ${seconds(forwardingMs)} after the kill, whole again ${seconds(Date.now() - at)} after it`;
      });
      expect(forwardedWhileDown).toBeGreaterThanOrEqual(RATE * 4);
      expectInvariants(summary, world.load);
    },
    DRILL_TIMEOUT_MS,
  );

  /**
   * Stops and starts each node of `cluster` in turn, the next one only once `whole` says the
   * cluster has caught up again; names each step `<unit> I <seconds>`.
   */
  async function restartInTurn(
    cluster: LocalCluster,
    unit: string,
    whole: () => Promise<unknown>,
  ): Promise<string> {
    const steps: string[] = [];
    for (const node of CLUSTER_NODES) {
      const at = Date.now();
      await cluster.stopNode(node);
      await cluster.startNode(node);
      await whole();
      steps.push(`${unit} ${node} ${seconds(Date.now() - at)}`);
    }
    return `restarted ${steps.join(', ')}`;
  }

  it(
    'rolling restart of the three NATS nodes, one at a time',
    async () => {
      // The next node goes only when this one is a current replica of everything again:
      // two nodes down at once is no quorum, and no writes.
      const summary = await drill('NATS rolling restart', () =>
        restartInTurn(world.clusters.nats, 'node', natsWhole),
      );
      expectInvariants(summary, world.load);
    },
    DRILL_TIMEOUT_MS,
  );

  it(
    'rolling restart of the three Kafka brokers, one at a time',
    async () => {
      // Only when it is back in every ISR: with min.insync.replicas 2, the next broker's
      // stop would otherwise leave partitions refusing acks=all writes.
      const summary = await drill('Kafka rolling restart', () =>
        restartInTurn(world.clusters.kafka, 'broker', kafkaWhole),
      );
      expectInvariants(summary, world.load);
    },
    DRILL_TIMEOUT_MS,
  );
});
