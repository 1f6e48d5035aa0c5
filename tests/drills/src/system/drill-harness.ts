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

/** Everything a drill file works with, once `DrillHarness.start` has brought it up. */
export interface DrillWorld {
  names: Topology;
  kafka: DrillKafka;
  nats: NatsServerProcess;
  nc: NatsConnection;
  pg: Client;
  system: DrillSystem;
  designed: DesignedFailures;
  checker: InvariantChecker;
  load: OrderLoad;
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
    const { label, namespace, env = {}, roles = ROLES, ratePerSecond, natsAuth } = this.options;
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
    const nc = (this.nc = await connectNats({
      settings: { NATS_URL: nats.url, ...credentialsOf('admin') },
      name: 'drill-checks',
    }));
    await seedDrillStock(nc, this.names);
    const pg = (this.pg = new Client({ connectionString: testEnv.DATABASE_URL }));
    await pg.connect();

    const system = (this.system = new DrillSystem(
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
        ...env,
      },
      await freePort(),
      roles,
      credentialsOf,
    ));
    await system.startAll();

    const designed = (this.designed = new DesignedFailures(
      jetstream(nc),
      [kafka.brokers],
      this.names,
    ));
    await designed.connect();
    const checker = (this.checker = new InvariantChecker(
      () => nc,
      pg,
      [kafka.brokers],
      this.names,
      designed,
    ));
    const load = (this.load = new OrderLoad({
      gatewayUrl: () => system.gatewayUrl,
      keyPrefix: namespace,
      ratePerSecond,
    }));
    return { names: this.names, kafka, nats, nc, pg, system, designed, checker, load };
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
