import { z } from 'zod';

/**
 * JetStream consumers, the same for every service (read by the consumer host).
 *
 * `CONSUMER_OUTAGE_HOLD_MS`: how long a message whose handler met an outage (no stream
 * leader, a request unanswered, JetStream 503) is held and retried in place before it is
 * nak'ed, spending one delivery (ADR 0048). 0 turns the hold off: every failure naks at once.
 */
export const ConsumerEnvSchema = z.object({
  CONSUMER_OUTAGE_HOLD_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
});
