import { z } from 'zod';

/**
 * ### The consumer control plane: pause and resume a service's consumers.
 *
 * Pausing is not stopping: the process keeps running, answers requests and stays in its
 * Kafka group, it only stops *taking* work. The work waits where it is (JetStream
 * `num_pending`, Kafka lag), which is exactly what the "consumer offline" lessons show.
 *
 * `ConsumerControl` is core NATS request-reply on `control.<service>.consumers`, WITHOUT
 * a queue group: every instance owns its own pull loop or group member, so every
 * instance must hear the command, and every one answers for itself. The requester
 * gathers several replies (`requestMany`), see docs/adr/0016.
 */
export const CONTROLLED_SERVICES = ['orders', 'payments', 'bridge', 'projector'] as const;
export const ControlledServiceSchema = z.enum(CONTROLLED_SERVICES);
export type ControlledService = z.infer<typeof ControlledServiceSchema>;

/** `status` changes nothing; `pause` answers once in-flight work is finished. */
export const ConsumerControlActionSchema = z.enum(['status', 'pause', 'resume']);
export type ConsumerControlAction = z.infer<typeof ConsumerControlActionSchema>;

export const ConsumerControlCommandSchema = z.strictObject({
  action: ConsumerControlActionSchema,
});
export type ConsumerControlCommand = z.infer<typeof ConsumerControlCommandSchema>;

/** One consumer of one instance: a JetStream durable or a Kafka consumer group. */
export const InstanceConsumerStateSchema = z.object({
  consumer: z.string(),
  paused: z.boolean(),
});
export type InstanceConsumerState = z.infer<typeof InstanceConsumerStateSchema>;

/** What one instance answers, whatever the action: its consumers' state afterwards. */
export const ConsumerControlReplySchema = z.object({
  service: z.string(),
  /** `host:pid`: tells the replies of several instances apart. */
  instance: z.string(),
  consumers: z.array(InstanceConsumerStateSchema),
});
export type ConsumerControlReply = z.infer<typeof ConsumerControlReplySchema>;

/**
 * One consumer across every instance that answered: the HTTP shape of
 * `GET /admin/consumers`. `paused` is true only when every answering instance is paused
 * (an instance started after a pause consumes: see ADR 0016); `instances` is how many
 * answered (0: the service is not running, or did not answer in time).
 */
export const ConsumerSummarySchema = z.object({
  service: ControlledServiceSchema,
  consumer: z.string(),
  paused: z.boolean(),
  instances: z.int().nonnegative(),
});
export type ConsumerSummary = z.infer<typeof ConsumerSummarySchema>;

/** The answer of `POST /admin/consumers/:service/pause|resume`: the state afterwards. */
export const ConsumerControlResultSchema = z.object({
  service: ControlledServiceSchema,
  /** Every consumer of the service is paused on every instance that answered. */
  paused: z.boolean(),
  instances: z.int().nonnegative(),
  consumers: z.array(ConsumerSummarySchema),
});
export type ConsumerControlResult = z.infer<typeof ConsumerControlResultSchema>;
