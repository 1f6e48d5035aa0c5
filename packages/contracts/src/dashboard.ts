import { z } from 'zod';
import { OrderNotificationEventSchema } from './orders/notifications';
import { RegionSchema } from './orders/order-line';
import { OrderStatusSchema } from './orders/place-order';

/**
 * ### The dashboard's HTTP contract: `GET /api/overview` and the `GET /events` feed
 *
 * What the gateway answers to its own dashboard (and to any other client of these two
 * routes). The live feed's `order` and `rebuild-progress` events carry
 * `OrderNotification` and `RebuildProgress`; the two below are the feed's own.
 */

/** One panel's figures, or why they are missing: each panel is probed on its own. */
export const panelSchema = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: z.string() }),
  ]);

/** Request-reply round trips measured by the gateway over its latency window. */
export const LatencySummarySchema = z.object({
  /** Replies measured in the window. */
  count: z.int().nonnegative(),
  p50Ms: z.number().nonnegative().nullable(),
  p99Ms: z.number().nonnegative().nullable(),
  maxMs: z.number().nonnegative().nullable(),
  /** The window the figures cover, at most `LATENCY_WINDOW_MS`. */
  windowMs: z.number().nonnegative(),
});
export type LatencySummary = z.infer<typeof LatencySummarySchema>;

/** The server's view of one durable JetStream consumer. */
export const JetStreamConsumerStateSchema = z.object({
  /** Matching messages never delivered to the consumer: the backlog. */
  numPending: z.int().nonnegative(),
  /** Delivered, not yet acked. */
  numAckPending: z.int().nonnegative(),
  /** Delivered more than once, waiting for their ack. */
  numRedelivered: z.int().nonnegative(),
  /** Deliveries so far, redeliveries included. */
  delivered: z.int().nonnegative(),
});

export const ConsumerPanelRowSchema = z.object({
  /** What the consumer does, e.g. `bridge: orders`, `ordersSaga`. */
  name: z.string(),
  stream: z.string(),
  durable: z.string(),
  /** `null`: the consumer does not exist (its service has not started yet). */
  state: JetStreamConsumerStateSchema.nullable(),
});
export type ConsumerPanelRow = z.infer<typeof ConsumerPanelRowSchema>;

/** Lag of a Kafka consumer group on one partition. */
export const PartitionLagSchema = z.object({
  partition: z.int().nonnegative(),
  /** The group's next offset to read; `null` when it never committed on this partition. */
  committedOffset: z.int().nonnegative().nullable(),
  endOffset: z.int().nonnegative(),
  lag: z.int().nonnegative(),
});

export const KafkaGroupPanelRowSchema = z.object({
  group: z.string(),
  topic: z.string(),
  totalLag: z.int().nonnegative(),
  partitions: z.array(PartitionLagSchema),
});
export type KafkaGroupPanelRow = z.infer<typeof KafkaGroupPanelRowSchema>;

/** `GET /api/overview`: what the dashboard's health panels show. */
export const SystemOverviewSchema = z.object({
  generatedAt: z.iso.datetime(),
  /** Request-reply latency measured by the gateway on its own requests. */
  requestReply: LatencySummarySchema,
  /** Pending (never delivered) and ack-pending per durable JetStream consumer. */
  jetStreamConsumers: panelSchema(z.array(ConsumerPanelRowSchema)),
  /** Lag per partition of the long-lived Kafka consumer groups. */
  kafkaLag: panelSchema(z.array(KafkaGroupPanelRowSchema)),
  /** Messages the bridge has not forwarded to Kafka yet (pending + ack-pending). */
  bridgeBacklog: panelSchema(
    z.object({
      total: z.int().nonnegative(),
      /** `backlog: null`: the route's consumer does not exist yet (the bridge never ran). */
      routes: z.array(z.object({ route: z.string(), backlog: z.int().nonnegative().nullable() })),
    }),
  ),
  deadLetters: z.object({
    /** Messages in the DEADLETTERS stream, per subject (= per source). */
    jetStream: panelSchema(
      z.object({
        total: z.int().nonnegative(),
        subjects: z.array(z.object({ subject: z.string(), count: z.int().nonnegative() })),
      }),
    ),
    /** Records written to the Kafka dead-letter topic. */
    kafka: panelSchema(z.object({ topic: z.string(), count: z.int().nonnegative() })),
  }),
  /**
   * Streams open on `GET /events` and `/admin/events`, events dropped for slow ones, and
   * the NATS subscriptions that serve them all (one per subject, however many streams).
   */
  liveFeed: z.object({
    clients: z.int().nonnegative(),
    dropped: z.int().nonnegative(),
    subscriptions: z.int().nonnegative(),
    /**
     * Order notifications this gateway heard since it started, per event: counters, so a
     * client gets rates from two samples (the dashboard's orders-per-second chart) however
     * often it polls. Core NATS is at-most-once: what the gateway missed while it was
     * disconnected is not counted.
     */
    notifications: z.record(OrderNotificationEventSchema, z.int().nonnegative()),
  }),
});
export type SystemOverview = z.infer<typeof SystemOverviewSchema>;

/** The live feed's first event: its subscription is active from here on. */
export const LiveFeedReadySchema = z.object({ subject: z.string() });

/**
 * An `OrderNotification` as the public live feed (`GET /events`) shows it: what happened,
 * where and when, but not to whom or for which order. No order id (with one, anybody
 * could read the order, customer included, at `GET /orders/:id`), no reason (it names
 * SKUs, stock levels and payment outcomes); `orderRef` tells one order's events apart
 * without identifying it. The full notification needs the admin token (`GET /admin/events`).
 */
export const PublicOrderNotificationSchema = z.object({
  event: OrderNotificationEventSchema,
  /** The first 12 hex digits of SHA-256(orderId): the same for every event of one order. */
  orderRef: z.string().regex(/^[0-9a-f]{12}$/),
  region: RegionSchema,
  status: OrderStatusSchema,
  version: z.int().positive(),
  occurredAt: z.iso.datetime(),
});
export type PublicOrderNotification = z.infer<typeof PublicOrderNotificationSchema>;

/** Events this client missed because it read too slowly (sent once it caught up). */
export const LiveFeedDroppedSchema = z.object({ dropped: z.int().positive() });
