import type { JetStreamConsumerState, PartitionLag } from '@switchyard/messaging';
import type { LatencySummary } from '../nats/request-latency';

/**
 * One panel's figures, or why they are missing. Each panel is probed on its own: Kafka
 * being down empties the Kafka panels and leaves the NATS ones alone.
 */
export type Panel<T> = { ok: true; value: T } | { ok: false; error: string };

export interface ConsumerPanelRow {
  /** What the consumer does, e.g. `bridge: orders`, `ordersSaga`. */
  name: string;
  stream: string;
  durable: string;
  /** `null`: the consumer does not exist (its service has not started yet). */
  state: JetStreamConsumerState | null;
}

export interface KafkaGroupPanelRow {
  group: string;
  topic: string;
  totalLag: number;
  partitions: PartitionLag[];
}

/** `GET /api/overview`: what the dashboard's health panels show. */
export interface SystemOverview {
  generatedAt: string;
  /** Request-reply latency measured by this gateway on its own requests. */
  requestReply: LatencySummary;
  /** Pending (never delivered) and ack-pending per durable JetStream consumer. */
  jetStreamConsumers: Panel<ConsumerPanelRow[]>;
  /** Lag per partition of the long-lived Kafka consumer groups. */
  kafkaLag: Panel<KafkaGroupPanelRow[]>;
  /** Messages the bridge has not forwarded to Kafka yet (pending + ack-pending). */
  bridgeBacklog: Panel<{
    total: number;
    /** `backlog: null`: the route's consumer does not exist yet (the bridge never ran). */
    routes: { route: string; backlog: number | null }[];
  }>;
  deadLetters: {
    /** Messages in the DEADLETTERS stream, per subject (= per source). */
    jetStream: Panel<{ total: number; subjects: { subject: string; count: number }[] }>;
    /** Records written to the Kafka dead-letter topic. */
    kafka: Panel<{ topic: string; count: number }>;
  };
  /** Clients on `GET /events`, and events dropped for slow ones. */
  liveFeed: { clients: number; dropped: number };
}
