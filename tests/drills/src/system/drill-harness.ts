import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { topology, type Topology } from '@switchyard/contracts';
import { connectNats } from '@switchyard/messaging';
import {
  freePort,
  NatsAuthConfig,
  natsUserOf,
  NatsServerProcess,
  repoRoot,
  splitViolations,
  testEnv,
} from '@switchyard/testkit';
import { Client } from 'pg';
import { DrillClusters } from '../brokers/drill-clusters';
import { DrillKafka } from '../brokers/drill-kafka';
import { DesignedFailures } from '../checks/designed-failures';
import { InvariantChecker } from '../checks/invariants';
import { OrderLoad } from '../load/order-load';
import { DrillSystem, ROLES, type Role } from './drill-system';
import { seedDrillStock } from './seed-stock';
import { tearDown } from './tear-down';

export interface DrillHarnessOptions {
  /** Names the drill file's Kafka directory and NATS store (`fault-drills`, `two-bridges`). */
  label: string;
  namespace: string;
  /** Orders per second through the HTTP API while a drill's load flows. */
  ratePerSecond: number;
  /** Settings of this drill file on top of the common ones (ack waits, lease TTL…). */
  env?: Record<string, string>;
  roles?: readonly Role[];
  /**
   * NATS with the project's users, as in production and the e2e tier: the drill's server
   * runs the generated config (`NatsAuthConfig`), each service connects with its own NKey
   * and only its rights, the checks as `admin` (they read every stream and bucket: an
   * operator's rights). A refused right fails the file in `tearDown`.
   */
  natsAuth?: boolean;
}

/** What every drill needs of its brokers, one of each or clusters of three. */
export interface DrillBrokers {
  /** Brings back whatever a drill that failed half-way left stopped. */
  ensureUp(): Promise<void>;
}

/** The system, the load and the checks, whichever brokers they run on. */
export interface DrillWorldBase {
  names: Topology;
  brokers: DrillBrokers;
  nc: NatsConnection;
  pg: Client;
  system: DrillSystem;
  designed: DesignedFailures;
  checker: InvariantChecker;
  load: OrderLoad;
}

/** Everything a drill file works with, once `DrillHarness.start` has brought it up. */
export interface DrillWorld extends DrillWorldBase {
  kafka: DrillKafka;
  nats: NatsServerProcess;
}

/** The same on a 3-node NATS cluster and a 3-broker Kafka cluster (`startOnClusters`). */
export interface ClusterDrillWorld extends DrillWorldBase {
  clusters: DrillClusters;
}

/** Where the drill tier writes what outlives a run: broker logs. */
export const drillArtifacts = join(repoRoot, 'test-artifacts');

/**
 * ### One drill file's world: its own brokers, the system under test, the load and the checks.
 *
 * Each drill file starts one of these in `beforeAll`: a Kafka broker and a nats-server of
 * its own (free ports, fresh directories, so it never shares a broker with another file
 * or another run), the seeded stock, every service, the order load and the invariant
 * checker. `tearDown` (in `afterAll`) undoes all of it, every step even when one fails,
 * and also after a `start` that failed half-way: fields are set as they come up.
 */
export class DrillHarness {
  readonly names: Topology;
  kafka: DrillKafka | undefined;
  nats: NatsServerProcess | undefined;
  clusters: DrillClusters | undefined;
  nc: NatsConnection | undefined;
  pg: Client | undefined;
  system: DrillSystem | undefined;
  designed: DesignedFailures | undefined;
  checker: InvariantChecker | undefined;
  load: OrderLoad | undefined;
  private natsStore: string | undefined;

  constructor(private readonly options: DrillHarnessOptions) {
    this.names = topology(options.namespace);
  }

  async start(): Promise<DrillWorld> {
    const { label, namespace, natsAuth } = this.options;
    const kafka = (this.kafka = await DrillKafka.create(label));
    await kafka.up();
    this.natsStore = mkdtempSync(join(tmpdir(), `switchyard-${label}-nats-`));
    const auth = natsAuth
      ? NatsAuthConfig.write(namespace, join(this.natsStore, 'auth'))
      : undefined;
    const nats = (this.nats = await NatsServerProcess.start(
      this.natsStore,
      drillArtifacts,
      auth ? ['-c', auth.configFile] : [],
      auth?.serverEnv,
    ));
    const credentialsOf = (app: string) => auth?.credentialsOf(natsUserOf(app)) ?? {};
    const brokers = {
      ensureUp: async () => {
        await nats.ensureUp();
        await kafka.up(); // a no-op when it answers
      },
    };
    const parts = await this.startSystem(nats.url, kafka.brokers, {}, credentialsOf);
    return { ...parts, brokers, kafka, nats };
  }

  /**
   * The same system on clusters of three (the cluster drills): every JetStream stream and
   * KV bucket with 3 replicas, every Kafka topic with 3 replicas and `min.insync.replicas`
   * 2, as docs/deploy.md runs production. One node of either can be lost without losing
   * an acknowledged write.
   */
  async startOnClusters(): Promise<ClusterDrillWorld> {
    const clusters = (this.clusters = await DrillClusters.start(
      this.options.label,
      drillArtifacts,
    ));
    const parts = await this.startSystem(clusters.nats.addresses, clusters.kafka.addresses, {
      JETSTREAM_REPLICAS: '3',
      KAFKA_REPLICATION_FACTOR: '3',
      KAFKA_MIN_INSYNC_REPLICAS: '2',
    });
    return { ...parts, brokers: clusters, clusters };
  }

  /** Connections, seeded stock, every service, the load and the checks, on these brokers. */
  private async startSystem(
    natsUrl: string,
    kafkaBrokers: string,
    brokerEnv: Record<string, string>,
    credentialsOf: (app: string) => Record<string, string> = () => ({}),
  ): Promise<Omit<DrillWorldBase, 'brokers'>> {
    const { namespace, env = {}, roles = ROLES, ratePerSecond } = this.options;
    const nc = (this.nc = await connectNats({
      settings: { NATS_URL: natsUrl, ...credentialsOf('admin') },
      name: 'drill-checks',
    }));
    await seedDrillStock(nc, this.names, Number(brokerEnv.JETSTREAM_REPLICAS ?? 1));
    const pg = (this.pg = new Client({ connectionString: testEnv.DATABASE_URL }));
    await pg.connect();

    const system = (this.system = new DrillSystem(
      {
        SWITCHYARD_NAMESPACE: namespace,
        NATS_URL: natsUrl,
        KAFKA_BROKERS: kafkaBrokers,
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
        ...brokerEnv,
        ...env,
      },
      await freePort(),
      roles,
      credentialsOf,
    ));
    await system.startAll();

    const kafkaList = kafkaBrokers.split(',');
    const designed = (this.designed = new DesignedFailures(jetstream(nc), kafkaList, this.names));
    await designed.connect();
    const checker = (this.checker = new InvariantChecker(
      () => nc,
      pg,
      kafkaList,
      this.names,
      designed,
    ));
    const load = (this.load = new OrderLoad({
      gatewayUrl: () => system.gatewayUrl,
      keyPrefix: namespace,
      ratePerSecond,
    }));
    return { names: this.names, nc, pg, system, designed, checker, load };
  }

  /** Every step runs, even when one before it fails: the broker and dirs never outlive a run. */
  tearDown(): Promise<void> {
    const { names, natsStore } = this;
    return tearDown([
      ['pause the load', () => this.load?.pause()],
      ['stop the services', () => this.system?.stopAll()],
      ['disconnect the poison producer', () => this.designed?.disconnect()],
      ['close NATS', () => this.nc?.close()],
      [
        'drop the schema',
        () => this.pg?.query(`DROP SCHEMA IF EXISTS "${names.postgres.schema}" CASCADE`),
      ],
      ['close Postgres', () => this.pg?.end()],
      ['stop nats-server', () => this.nats?.down()],
      [
        'delete the NATS store',
        () => natsStore && rmSync(natsStore, { recursive: true, force: true }),
      ],
      // Topics and all: the broker's whole directory goes.
      ['remove the Kafka broker', () => this.kafka?.remove(drillArtifacts)],
      ['remove the clusters', () => this.clusters?.remove(drillArtifacts)],
      [
        'no NATS permission refused',
        () => {
          const { refused, repliesLostToRestart } = splitViolations(
            this.nats?.violationsByRun() ?? [],
          );
          if (repliesLostToRestart.length > 0)
            process.stdout.write(
              `[drill] NATS restart: ${repliesLostToRestart.length} replies refused by the restarted server ` +
                '(requests its previous run delivered; allow_responses is in memory): the requesters retried\n',
            );
          if (refused.length > 0) throw new Error(refused.join('\n'));
        },
      ],
    ]);
  }
}
