import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { nanos } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { BridgeRoute } from '@switchyard/contracts';
import {
  ensureKvBucket,
  ensurePullConsumer,
  serverMaxDeliver,
  ensureStream,
  EventProducer,
  KafkaAdmin,
  KvLease,
  type createKafka,
  type LeaseStore,
} from '@switchyard/messaging';
import {
  BridgeMetrics,
  ConsumerMonitor,
  ConsumerRegistry,
  JETSTREAM,
  JETSTREAM_MANAGER,
  KAFKA,
  PublishMetrics,
} from '@switchyard/service';
import { config, TOPOLOGY } from '../config';
import { LeasedConsumer } from '../leasing/leased-consumer';
import { TELEMETRY } from '../telemetry';
import { RouteForwarder } from './route-forwarder';

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
    private readonly control: ConsumerRegistry,
    private readonly monitor: ConsumerMonitor,
    private readonly metrics: BridgeMetrics,
    private readonly published: PublishMetrics,
  ) {
    this.producer = new EventProducer(kafka);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { streams } = TOPOLOGY.nats;
    // Declared here too (same definitions as the writers use), so the bridge can start first.
    const declared = { replicas: config.JETSTREAM_REPLICAS, logger: this.logger };
    await ensureStream(this.jsm, streams.orders, declared);
    await ensureStream(this.jsm, streams.deadLetters, declared);
    await ensureStream(this.jsm, streams.redrives, declared);
    // Created, or reconciled with their declaration (retention: for ever), before any write.
    await this.admin.ensureTopics(Object.values(TOPOLOGY.kafka.topics), this.logger);
    await this.producer.connect();
    const leases: LeaseStore = await ensureKvBucket(
      this.js,
      TOPOLOGY.nats.kv.bridgeLeases,
      declared,
    );

    for (const route of TOPOLOGY.bridgeRoutes) {
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
      const consumers = await Promise.all(
        [route, route.redrive].map((from) => this.declare(route, from, forwarder)),
      );
      this.control.register(...consumers);
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

  /** Declares one durable (every instance: readiness checks it exists) and its leased runner. */
  private async declare(
    route: BridgeRoute,
    from: { stream: string; durable: string; filterSubject: string },
    forwarder: RouteForwarder,
  ): Promise<LeasedConsumer> {
    await ensurePullConsumer(this.jsm, from.stream, {
      durable_name: from.durable,
      ack_wait: nanos(config.BRIDGE_ACK_WAIT_MS),
      // The server's limit is a backstop above the runner's policy (ADR 0021), as startDurableWorker sets it.
      max_deliver: serverMaxDeliver(config.BRIDGE_MAX_DELIVER),
      filter_subject: from.filterSubject,
      max_ack_pending: config.BRIDGE_BATCH_SIZE * 4,
    });
    return new LeasedConsumer(
      this.jsm,
      {
        js: this.js,
        stream: from.stream,
        durable: from.durable,
        maxDeliver: config.BRIDGE_MAX_DELIVER,
        ackWaitMs: config.BRIDGE_ACK_WAIT_MS,
        deadLetterSubject: route.deadLetterSubject,
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
        logger: this.logger,
        observer: this.monitor.jetStream(this.jsm, from.stream, from.durable),
      },
      this.logger,
    );
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
