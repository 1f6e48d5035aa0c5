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
import { JETSTREAM, JETSTREAM_MANAGER, KAFKA } from '@switchyard/service';
import { config, TOPOLOGY } from '../config';
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
  ) {
    this.producer = new EventProducer(kafka);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { streams } = TOPOLOGY.nats;
    // Declared here too (same definitions as the writers use), so the bridge can start first.
    await ensureStream(this.jsm, streams.orders);
    await ensureStream(this.jsm, streams.deadLetters);
    await this.admin.ensureTopics(Object.values(TOPOLOGY.kafka.topics));
    await this.producer.connect();

    for (const route of TOPOLOGY.bridgeRoutes) {
      const forwarder = new RouteForwarder(this.producer, route);
      const runner = await startDurableWorker(this.js, this.jsm, {
        stream: route.stream,
        durable: route.durable,
        filterSubject: route.filterSubject,
        maxDeliver: config.BRIDGE_MAX_DELIVER,
        ackWaitMs: config.BRIDGE_ACK_WAIT_MS,
        maxAckPending: config.BRIDGE_BATCH_SIZE * 4,
        deadLetterSubject: route.deadLetterSubject,
        batchSize: config.BRIDGE_BATCH_SIZE,
        handle: (messages) => forwarder.forward(messages),
        logger: this.logger,
      });
      this.runners.push(runner);
      this.logger.log({
        msg: 'forwarding',
        route: route.name,
        from: route.filterSubject,
        to: route.topic,
      });
    }
  }

  /** Finish the batch in hand (Kafka ack, then JetStream ack), then stop. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
    await this.producer.disconnect();
  }
}
