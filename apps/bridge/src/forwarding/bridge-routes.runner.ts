import { setTimeout as sleep } from 'node:timers/promises';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import {
  ensureStream,
  EventProducer,
  KafkaAdmin,
  startDurableWorker,
  type PullConsumerRunner,
  type createKafka,
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
import { TELEMETRY } from '../telemetry';
import { RouteForwarder } from './route-forwarder';

/**
 * Starts one durable pull consumer per bridge route (routes are declared in contracts).
 * Several bridge instances share each durable consumer, so they share the work.
 */
@Injectable()
export class BridgeRoutesRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BridgeRoutesRunner.name);
  private readonly producer: EventProducer;
  private readonly runners: PullConsumerRunner[] = [];

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

    for (const route of TOPOLOGY.bridgeRoutes) {
      const forwarder = new RouteForwarder(this.producer, route, TELEMETRY.exporting);
      // The route, and its twin on `redrive.bridge.<route>` (stream REDRIVES): dead letters
      // brought back by `npm run redrive` come through there, never through the event log.
      for (const from of [route, route.redrive]) {
        await this.letOrphansComeBackFirst(from.stream, from.durable);
        const runner = await startDurableWorker(this.js, this.jsm, {
          stream: from.stream,
          durable: from.durable,
          filterSubject: from.filterSubject,
          maxDeliver: config.BRIDGE_MAX_DELIVER,
          ackWaitMs: config.BRIDGE_ACK_WAIT_MS,
          maxAckPending: config.BRIDGE_BATCH_SIZE * 4,
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
        });
        this.runners.push(runner);
        this.control.register(runner);
        this.logger.log({
          msg: 'forwarding',
          route: route.name,
          from: from.filterSubject,
          to: route.topic,
        });
      }
    }
  }

  /**
   * A bridge killed mid-batch (kill -9, OOM) leaves that batch delivered and unacked.
   * JetStream redelivers it only after `ack_wait`, and serves newer messages to our first
   * pulls meanwhile: an order's OrderConfirmed could reach Kafka before its OrderPlaced
   * (found by the fault drills). So if deliveries are still outstanding when we start,
   * wait one `ack_wait` first: the orphans are then queued for redelivery ahead of
   * anything newer. (Deliveries of another live instance count too: then we merely
   * start a little later.)
   */
  private async letOrphansComeBackFirst(stream: string, durable: string): Promise<void> {
    const info = await this.jsm.consumers.info(stream, durable).catch(() => undefined);
    if (!info || info.num_ack_pending === 0) return;
    const waitMs = Math.ceil((info.config.ack_wait ?? 30e9) / 1e6) + 1_000;
    this.logger.log({
      msg: 'deliveries outstanding at start: letting them come back first',
      durable,
      outstanding: info.num_ack_pending,
      waitMs,
    });
    await sleep(waitMs);
  }

  /** Finish the batch in hand (Kafka ack, then JetStream ack), then stop. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
    await this.producer.disconnect();
  }
}
