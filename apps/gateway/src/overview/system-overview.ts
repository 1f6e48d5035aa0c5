import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamManager } from '@nats-io/jetstream';
import { jetStreamConsumerState } from '@switchyard/messaging';
import { JETSTREAM_MANAGER } from '@switchyard/service';
import { config, TOPOLOGY } from '../config';
import { LiveFeed } from '../events/live-feed';
import { RequestLatency } from '../nats/request-latency';
import { KafkaProbe } from './kafka-probe';
import type { ConsumerPanelRow, KafkaGroupPanelRow, Panel, SystemOverview } from './overview';

/** A panel whose probe takes longer than this shows an error instead of holding the page. */
const PANEL_TIMEOUT_MS = 2_000;

async function panel<T>(probe: () => Promise<T>): Promise<Panel<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${PANEL_TIMEOUT_MS} ms`)),
      PANEL_TIMEOUT_MS,
    );
  });
  try {
    return { ok: true, value: await Promise.race([probe(), timedOut]) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Every durable JetStream consumer in the topology: service consumers and bridge routes. */
function durableConsumers(): { name: string; stream: string; durable: string }[] {
  const services = Object.entries(TOPOLOGY.nats.consumers).map(([name, consumer]) => ({
    name,
    stream: consumer.stream,
    durable: consumer.durable,
  }));
  const bridge = TOPOLOGY.bridgeRoutes.map((route) => ({
    name: `bridge: ${route.name}`,
    stream: route.stream,
    durable: route.durable,
  }));
  return [...services, ...bridge];
}

/**
 * ### The system's health at a glance, for the dashboard (`GET /api/overview`)
 *
 * Asks the brokers themselves, not the services: JetStream's consumer info (pending
 * counts include what waits for a consumer that is not running at all), Kafka's
 * committed offsets against the high watermarks, the dead-letter stream and topic.
 *
 * The answer is cached for `OVERVIEW_CACHE_MS`, and concurrent callers share one probe:
 * ten open dashboards polling every second still cost the brokers one round of
 * questions per second.
 */
@Injectable()
export class SystemOverviewService {
  private cached?: { at: number; value: Promise<SystemOverview> };

  constructor(
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    private readonly kafka: KafkaProbe,
    private readonly latency: RequestLatency,
    private readonly feed: LiveFeed,
  ) {}

  snapshot(): Promise<SystemOverview> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at >= config.OVERVIEW_CACHE_MS) {
      this.cached = { at: now, value: this.probe() };
    }
    return this.cached.value;
  }

  private async probe(): Promise<SystemOverview> {
    const consumers = panel(() => this.consumerStates());
    const [jetStreamConsumers, kafkaLag, jetStreamDeadLetters, kafkaDeadLetters] =
      await Promise.all([
        consumers,
        panel(() => this.kafkaLag()),
        panel(() => this.jetStreamDeadLetters()),
        panel(() => this.kafkaDeadLetters()),
      ]);
    return {
      generatedAt: new Date().toISOString(),
      requestReply: this.latency.summary(),
      jetStreamConsumers,
      kafkaLag,
      bridgeBacklog: bridgeBacklogOf(jetStreamConsumers),
      deadLetters: { jetStream: jetStreamDeadLetters, kafka: kafkaDeadLetters },
      liveFeed: this.feed.stats(),
    };
  }

  private consumerStates(): Promise<ConsumerPanelRow[]> {
    return Promise.all(
      durableConsumers().map(async (consumer) => ({
        ...consumer,
        state: (await jetStreamConsumerState(this.jsm, consumer.stream, consumer.durable)) ?? null,
      })),
    );
  }

  private async kafkaLag(): Promise<KafkaGroupPanelRow[]> {
    const admin = await this.kafka.connected();
    const { groups, topics } = TOPOLOGY.kafka;
    // The long-lived groups. A rebuild's group lives for one run; its progress has its own bar.
    const watched = [{ group: groups.projector, topic: topics.orderEvents.name }];
    return Promise.all(
      watched.map(async ({ group, topic }) => {
        const partitions = await admin.consumerGroupLag(group, topic);
        return {
          group,
          topic,
          partitions,
          totalLag: partitions.reduce((sum, partition) => sum + partition.lag, 0),
        };
      }),
    );
  }

  private async jetStreamDeadLetters() {
    const stream = TOPOLOGY.nats.streams.deadLetters.name;
    // `subjects_filter` makes the server list a message count per subject (one per source).
    const info = await this.jsm.streams.info(stream, { subjects_filter: '>' });
    const subjects = Object.entries(info.state.subjects ?? {})
      .map(([subject, count]) => ({ subject, count }))
      .sort((a, b) => a.subject.localeCompare(b.subject));
    return { total: info.state.messages, subjects };
  }

  private async kafkaDeadLetters() {
    const admin = await this.kafka.connected();
    const topic = TOPOLOGY.kafka.topics.deadLetters.name;
    const ends = await admin.endOffsets(topic);
    let count = 0;
    for (const end of ends.values()) count += Number(end);
    return { topic, count };
  }
}

function bridgeBacklogOf(consumers: Panel<ConsumerPanelRow[]>): SystemOverview['bridgeBacklog'] {
  if (!consumers.ok) return consumers;
  const routes = TOPOLOGY.bridgeRoutes.map((route) => {
    const row = consumers.value.find((candidate) => candidate.durable === route.durable);
    const state = row?.state;
    return { route: route.name, backlog: state ? state.numPending + state.numAckPending : null };
  });
  return {
    ok: true,
    value: { total: routes.reduce((sum, route) => sum + (route.backlog ?? 0), 0), routes },
  };
}
