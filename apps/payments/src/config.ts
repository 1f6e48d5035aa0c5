import { CommonEnvSchema, loadConfig } from '@switchyard/config';
import { catalog, topology } from '@switchyard/contracts';
import { z } from 'zod';

const rate = z.coerce.number().min(0).max(1);

/**
 * The simulated payment processor is configurable so drills can provoke every path:
 * business declines, transient outages (nak → retry with backoff → dead letter) and slowness.
 */
export const PaymentsEnvSchema = CommonEnvSchema.extend({
  /** Share of payments declined for business reasons (insufficient funds…). */
  PAYMENTS_DECLINE_RATE: rate.default(0.05),
  /** Share of attempts that fail transiently (processor unavailable): retried. 1 = outage. */
  PAYMENTS_FAILURE_RATE: rate.default(0.02),
  /** Simulated processor latency per payment. */
  PAYMENTS_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(20),
  /** Deliveries before a payment request is dead-lettered. */
  PAYMENTS_MAX_DELIVER: z.coerce.number().int().min(1).max(100).default(5),
  PAYMENTS_ACK_WAIT_MS: z.coerce.number().int().min(1_000).default(30_000),
  PAYMENTS_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(10),
});

export const config = loadConfig(PaymentsEnvSchema);
export const TOPOLOGY = topology(config.SWITCHYARD_NAMESPACE);

/** What flows where in this namespace: routes, channels, events, subscriptions. */
export const CATALOG = catalog(TOPOLOGY);
