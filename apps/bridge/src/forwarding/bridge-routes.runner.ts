import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { publishedChannel, type BridgeRoute } from '@switchyard/contracts';
import {
  ensureKvBucket,
  EventProducer,
  KafkaAdmin,
  KvLease,
  SerialKv,
  type createKafka,
  type LeaseStore,
} from '@switchyard/messaging';
import {
  BridgeMetrics,
  JetStreamConsumerHost,
  JETSTREAM,
  JETSTREAM_MANAGER,
  KAFKA,
  PublishMetrics,
  type HostedRunner,
} from '@switchyard/service';
import { CATALOG, config, TOPOLOGY } from '../config';
import { LeasedConsumer } from '../leasing/leased-consumer';
import { TELEMETRY } from '../telemetry';
import { RouteForwarder } from './route-forwarder';

/**
 * Each bridge route in the catalog's terms: the subscription it reads, and the Kafka
 * channel the catalog lists the bridge as a producer on. A new route must be listed here.
 */
const ROUTES = {
  orders: {
    from: CATALOG.subscriptions.bridgeOrders,
    to: publishedChannel(CATALOG, 'bridge', 'orderHistory'),
  },
} satisfies Record<BridgeRoute['name'], unknown>;

/**
 * ### One active forwarder per route, whatever the number of bridge instances.
 *
 * Every instance declares each route's durable consumers, but only the holder of the
 * route's lease (KV `BRIDGE_LEASES`, key `route.<name>`) runs them; the others stand by,
 * ready, and take over when the holder stops renewing it (ADR 0025). Two instances
 * pulling from one durable would each send a batch to Kafka at its own pace, and an
 * order's OrderConfirmed (batch N+1, instance B) could land before its OrderPlaced
 * (batch N, instance A).
 */
@Injectable()
export class BridgeRoutesRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BridgeRoutesRunner.name);
  private readonly producer: EventProducer;
  private readonly leases: KvLease[] = [];
  /** This process among the bridge instances: in the lease key's value and the logs. */
  private readonly instance = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

  constructor(
    @Inject(KAFKA) kafka: ReturnType<typeof createKafka>,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    private readonly admin: KafkaAdmin,
    private readonly host: JetStreamConsumerHost,
    private readonly metrics: BridgeMetrics,
    private readonly published: PublishMetrics,
  ) {
    this.producer = new EventProducer(kafka);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { streams } = TOPOLOGY.nats;
    // Declared here too (same definitions as the writers use), so the bridge can start first.
    await this.host.ensureStreams(
      [streams.orders, streams.deadLetters, streams.redrives],
      config.JETSTREAM_REPLICAS,
    );
    // Created, or reconciled with their declaration (retention: for ever), before any write.
    await this.admin.ensureTopics(Object.values(TOPOLOGY.kafka.topics), this.logger);
    await this.producer.connect();
    // Compare-and-set that holds on a replicated bucket too: with `kv.update` alone, two
    // bridges could both take the lease on a cluster (SerialKv, nats-server#4320).
    const leases: LeaseStore = new SerialKv(
      await ensureKvBucket(this.js, TOPOLOGY.nats.kv.bridgeLeases, {
        replicas: config.JETSTREAM_REPLICAS,
        logger: this.logger,
      }),
    );

    for (const declared of TOPOLOGY.bridgeRoutes) {
      // Its topic as the catalog says: the channel the bridge publishes the route's events on.
      const route: BridgeRoute = { ...declared, topic: ROUTES[declared.name].to.address };
      const lease: KvLease = new KvLease({
        store: leases,
        key: route.leaseKey,
        holder: this.instance,
        ttlMs: config.BRIDGE_LEASE_TTL_MS,
        logger: this.logger,
        onAcquired: async (signal, previous) => {
          this.metrics.leaseActive(route.name, true);
          this.logger.log({ msg: 'lease acquired: forwarding', route: route.name, previous });
          await Promise.all(consumers.map((consumer) => consumer.activate(signal)));
        },
        onLost: async () => {
          this.metrics.leaseActive(route.name, false);
          await Promise.all(consumers.map((consumer) => consumer.deactivate()));
          this.logger.log({ msg: 'lease given up: standing by', route: route.name });
        },
      });
      const forwarder = new RouteForwarder(
        this.producer,
        route,
        TELEMETRY.exporting,
        () => lease.isHeld,
      );
      // The route, and its twin on `redrive.bridge.<route>` (stream REDRIVES): dead letters
      // brought back by `npm run redrive` come through there, never through the event log.
      // One lease covers both: a redriven event is one of the route's events.
      const consumers = (await this.declare(route, forwarder)) as LeasedConsumer[];
      this.metrics.leaseActive(route.name, false);
      this.leases.push(lease);
      lease.start();
      this.logger.log({
        msg: 'standing by for the route lease',
        route: route.name,
        to: route.topic,
        instance: this.instance,
      });
    }
  }

  /**
   * Hosts the route's durable and its redrive twin: declared on every instance
   * (readiness checks they exist), run only by the lease holder (`LeasedConsumer`).
   */
  private declare(route: BridgeRoute, forwarder: RouteForwarder): Promise<HostedRunner[]> {
    return this.host.consumeBatches(ROUTES[route.name].from, {
      maxDeliver: config.BRIDGE_MAX_DELIVER,
      ackWaitMs: config.BRIDGE_ACK_WAIT_MS,
      maxAckPending: config.BRIDGE_BATCH_SIZE * 4,
      batchSize: config.BRIDGE_BATCH_SIZE,
      // An order's events must reach Kafka in order: a retried batch goes first.
      preserveOrder: true,
      // Pull batch N+1 while batch N waits for Kafka's ack: batches still reach Kafka
      // (and are acked) one at a time, in order; only the pull's round trip overlaps.
      prefetch: true,
      handle: async (messages) => {
        const dispositions = await forwarder.forward(messages);
        // Kafka acked: time each forwarded event from its JetStream publish.
        const forwarded = messages
          .filter((_, index) => dispositions[index]?.kind === 'ack')
          .map((message) => message.info.timestampNanos / 1e6);
        this.metrics.forwarded(route.name, forwarded);
        this.published.published('kafka', route.topic, forwarded.length);
        return dispositions;
      },
      // Started and stopped by the route's lease, not at once.
      run: (options) => Promise.resolve(new LeasedConsumer(this.jsm, options, this.logger)),
    });
  }

  /**
   * Finish the batch in hand (Kafka ack, then JetStream ack), stop, then release each
   * lease: a standby takes over at its next read instead of after the TTL.
   */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.leases.map((lease) => lease.stop()));
    await this.producer.disconnect();
  }
}
