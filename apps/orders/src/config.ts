import { CommonEnvSchema, loadConfig } from '@switchyard/config';
import { catalog, topology } from '@switchyard/contracts';
import { z } from 'zod';

export const OrdersEnvSchema = CommonEnvSchema.extend({
  /** Deliveries of one saga step before it is dead-lettered (inventory down for long). */
  SAGA_MAX_DELIVER: z.coerce.number().int().min(1).max(1_000).default(30),
  /** How long a saga step may run before JetStream redelivers it to another instance. */
  SAGA_ACK_WAIT_MS: z.coerce.number().int().min(1_000).default(30_000),
  /**
   * The order deadline: an order that has not ended this long after it was placed (its
   * payment request dead-lettered, payments down, a saga step failing) is cancelled, and
   * its stock released. Counted from `OrderPlaced.occurredAt`.
   */
  ORDERS_PAYMENT_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(60_000),
  /**
   * Orders waiting for their deadline at once: each one is an unacked message of the
   * `ORDERS_DEADLINES` consumer (its `max_ack_pending`). Beyond it, deadlines fire late,
   * never early.
   */
  ORDERS_DEADLINE_MAX_PENDING: z.coerce.number().int().min(100).max(1_000_000).default(20_000),
  /** How long a request to inventory waits for its reply; the route's own timeout (5 s) when unset. */
  NATS_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).optional(),
  /** How long an `Idempotency-Key` keeps answering with the order it created. */
  IDEMPOTENCY_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(24),
});

export const config = loadConfig(OrdersEnvSchema);

/**
 * Resolved once at start-up: `@MessagePattern` decorators need their subjects when the
 * controller class is defined.
 */
export const TOPOLOGY = topology(config.SWITCHYARD_NAMESPACE);

/** What flows where in this namespace: routes, channels, events, subscriptions. */
export const CATALOG = catalog(TOPOLOGY);
