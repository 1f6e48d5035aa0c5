import { z } from 'zod';
import { ControlledServiceSchema } from './consumer-control';

/**
 * ### `GET /api/topology`: the system as the dashboard draws it
 *
 * Nodes (apps, streams, the topic, core NATS, Postgres) and the edges between them, each
 * named as on the wire (from `topology()` and the catalog, never typed into the page) and
 * labelled with what it guarantees. An edge or node says which figure of
 * `GET /api/overview` measures it (`measure`); the page turns counters into rates and
 * shows depths, so the drawing moves with the real system.
 */

/** What an edge promises about each message that crosses it. */
export const EdgeSemanticsSchema = z.enum([
  /** Core NATS request-reply: an answer or a timeout (504) / no responders (503). */
  'request-reply',
  'at-most-once',
  'at-least-once',
  /** At-least-once delivery made idempotent by position (offsets stored with the rows). */
  'effectively-once',
]);

/** Which figure of `GET /api/overview` measures an edge. */
export const EdgeMeasureSchema = z.discriminatedUnion('kind', [
  /** A durable JetStream consumer: rate of `delivered`, depth `numPending`. */
  z.object({ kind: z.literal('jetstream-consumer'), durable: z.string() }),
  /** A Kafka consumer group on a topic: rate of committed offsets, lag per partition. */
  z.object({ kind: z.literal('kafka-group'), group: z.string() }),
  /** Records appended to the topic: rate of the end offsets' sum. */
  z.object({ kind: z.literal('kafka-end'), topic: z.string() }),
  /** Order notifications the gateway heard (all of them, or one event). */
  z.object({ kind: z.literal('notifications'), event: z.string().optional() }),
  /** A projection rebuild's applied events. */
  z.object({ kind: z.literal('rebuild') }),
  /** Messages in the dead-letter stream (a depth, no rate). */
  z.object({ kind: z.literal('dead-letters') }),
]);
export type EdgeMeasure = z.infer<typeof EdgeMeasureSchema>;

export const TopologyNodeSchema = z.object({
  id: z.string(),
  kind: z.enum(['app', 'nats-core', 'stream', 'topic', 'database']),
  /** The name a person knows it by: the app, or the stream / topic / schema name. */
  label: z.string(),
  /** One line about it (durables, partitions, subjects). */
  detail: z.string(),
  /** Where the drawing puts it: a column (left to right, the flow) and a row. */
  column: z.int().nonnegative(),
  row: z.number().nonnegative(),
  /** An app whose consumers `/admin/consumers` pauses and resumes. */
  controlledAs: ControlledServiceSchema.optional(),
  /** A Kafka topic's partitions (drawn one by one, each with its lag). */
  partitions: z.int().positive().optional(),
  /** What makes this node's state: the broker behind it, for "unreachable". */
  broker: z.enum(['nats', 'kafka', 'postgres']).optional(),
});
export type TopologyNode = z.infer<typeof TopologyNodeSchema>;

export const TopologyEdgeSchema = z.object({
  id: z.string(),
  from: z.string(),
  to: z.string(),
  /** The subject, durable, group or topic it travels as. */
  wire: z.string(),
  semantics: EdgeSemanticsSchema,
  /** Why it has those semantics, in a few words (shown on hover). */
  note: z.string(),
  measure: EdgeMeasureSchema.optional(),
  /** The app whose pause stops this edge (a consumer it runs). */
  pausedWith: ControlledServiceSchema.optional(),
});
export type TopologyEdge = z.infer<typeof TopologyEdgeSchema>;

export const SystemTopologySchema = z.object({
  nodes: z.array(TopologyNodeSchema),
  edges: z.array(TopologyEdgeSchema),
});
export type SystemTopology = z.infer<typeof SystemTopologySchema>;
