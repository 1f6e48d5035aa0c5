/**
 * OpenTelemetry messaging semantic conventions, the attribute names this package sets.
 * (Spelled here rather than imported from `@opentelemetry/semantic-conventions/incubating`:
 * the incubating entry point may rename things in any minor release, and these strings are
 * what Jaeger and Grafana queries match on.)
 */
export const MessagingAttributes = {
  system: 'messaging.system',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  destination: 'messaging.destination.name',
  destinationTemplate: 'messaging.destination.template',
  consumerGroup: 'messaging.consumer.group.name',
  messageId: 'messaging.message.id',
  conversationId: 'messaging.message.conversation_id',
  batchCount: 'messaging.batch.message_count',
  partition: 'messaging.destination.partition.id',
  kafkaKey: 'messaging.kafka.message.key',
  kafkaOffset: 'messaging.kafka.offset',
  /** Not in the conventions: JetStream's stream, sequence and delivery count. */
  jetStreamStream: 'messaging.nats.jetstream.stream',
  jetStreamSequence: 'messaging.nats.jetstream.sequence',
  jetStreamDeliveryCount: 'messaging.nats.jetstream.delivery_count',
  /** What the consumer did with the message: ack, nak or dead-letter. */
  disposition: 'switchyard.disposition',
  dispositionReason: 'switchyard.disposition.reason',
} as const;

/** `messaging.system`: `kafka` is a registered value; NATS has none, so `nats` (lower case, like the rest). */
export type MessagingSystem = 'nats' | 'kafka';

/**
 * `messaging.operation.type`: `send` for a publish or a request, `create` for a record
 * that a later batched send carries, `process` for a consumer handling a message.
 */
export type MessagingOperationType = 'send' | 'create' | 'process';
