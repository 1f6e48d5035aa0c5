import { z } from 'zod';

/** The `GetOrderJourney` query: what the projector recorded of one order's events. */
export const GetOrderJourneyQuerySchema = z.strictObject({ orderId: z.uuid() });
export type GetOrderJourneyQuery = z.infer<typeof GetOrderJourneyQuerySchema>;

/**
 * One event of an order as the live projector applied it: where it was on Kafka, when
 * the bridge sent it (its `sy-forwarded-at` header; null for records forwarded before the
 * bridge set it) and when the projector's transaction wrote it (Postgres' clock).
 */
export const ProjectedEventSchema = z.object({
  eventId: z.uuid(),
  type: z.string().min(1),
  topic: z.string().min(1),
  partition: z.int().nonnegative(),
  /** A Kafka offset is a 64-bit integer: a decimal string, as kafkajs gives it. */
  offset: z.string().regex(/^\d+$/),
  forwardedAt: z.iso.datetime({ offset: true }).nullable(),
  projectedAt: z.iso.datetime({ offset: true }),
});
export type ProjectedEvent = z.infer<typeof ProjectedEventSchema>;

/** Oldest first (by Kafka offset); empty when nothing of the order was projected (yet). */
export const GetOrderJourneyReplySchema = z.object({ events: z.array(ProjectedEventSchema) });
export type GetOrderJourneyReply = z.infer<typeof GetOrderJourneyReplySchema>;

/** What a hop is: the dashboard draws each kind in its own colour. */
export const JourneyHopKinds = [
  'http',
  'request-reply',
  'jetstream',
  'saga',
  'kafka',
  'projection',
] as const;
export type JourneyHopKind = (typeof JourneyHopKinds)[number];

/**
 * One hop of an order's journey (`GET /admin/orders/{orderId}/journey`). `durationMs` is
 * measured from the hop it follows (`after`), on two different clocks when two processes
 * recorded them: see ADR 0046.
 */
export const JourneyHopSchema = z.object({
  /** Stable within one journey, e.g. `jetstream:OrderPlaced`. */
  id: z.string().min(1),
  kind: z.enum(JourneyHopKinds),
  /** What happened, for people: `JetStream append: OrderPlaced`. */
  label: z.string().min(1),
  at: z.iso.datetime({ offset: true }),
  /** The hop this one follows; null for the first. */
  after: z.string().min(1).nullable(),
  /** Milliseconds since `after`; 0 for the first hop. */
  durationMs: z.number(),
  /** Where to find it: stream and sequence, topic, partition and offset, table… */
  details: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type JourneyHop = z.infer<typeof JourneyHopSchema>;

export const OrderJourneySchema = z.object({
  orderId: z.uuid(),
  /** The W3C trace id of the request that placed the order, when it carried one. */
  traceId: z.string().nullable(),
  /** The trace in Jaeger, when the gateway knows Jaeger's address (`JAEGER_UI_URL`). */
  traceUrl: z.string().nullable(),
  /** In time order. */
  hops: z.array(JourneyHopSchema),
});
export type OrderJourney = z.infer<typeof OrderJourneySchema>;
