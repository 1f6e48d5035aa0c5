import { z } from 'zod';

/**
 * A namespace isolates one running copy of Switchyard from another on the same
 * brokers: every subject, stream, consumer, topic, group and database schema is
 * derived from it. Production runs with the empty namespace; tests give every
 * suite its own, so suites can run in parallel and repeatedly without sharing state.
 *
 * The alphabet is the intersection of what NATS subjects, JetStream stream names,
 * Kafka topics and Postgres identifiers all accept.
 */
export const NamespaceSchema = z
  .string()
  .regex(/^([a-z][a-z0-9_]{0,30})?$/, 'lower-case letters, digits and _; starts with a letter');

export type Namespace = z.infer<typeof NamespaceSchema>;
