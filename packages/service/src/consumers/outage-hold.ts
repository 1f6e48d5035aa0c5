import { ConsumerEnvSchema, loadConfig } from '@switchyard/config';
import { hasCause, isNatsOutage, retryThroughOutage } from '@switchyard/messaging';
import { NoResponderError, RequestTimeoutError } from '../rpc/request-reply.client';

/**
 * How long one delivery is held through an outage before it is given back (`nak`, one
 * delivery spent): `CONSUMER_OUTAGE_HOLD_MS`, 30 s by default. Far beyond a JetStream
 * leader election (seconds: the cluster drills measure it) and a service instance
 * restarting; short enough that a long outage still reaches the dead letters, one
 * delivery at a time, instead of holding work for ever.
 */
export const OUTAGE_HOLD_MS = loadConfig(ConsumerEnvSchema).CONSUMER_OUTAGE_HOLD_MS;

/**
 * Did `error` come from something the message needs being briefly unavailable, rather
 * than from the message? JetStream with no leader for the stream (a publish gets "no
 * responders", which nats.js reports as `JetStreamNotEnabled`), a JetStream API answering
 * 503, a NATS request unanswered (timeout, no responders), a service not answering. The
 * cause chain is followed: a handler may wrap what it caught.
 */
export function isOutage(error: unknown): boolean {
  return (
    isNatsOutage(error) ||
    hasCause(
      error,
      (cause) => cause instanceof RequestTimeoutError || cause instanceof NoResponderError,
    )
  );
}

/**
 * ### Runs `attempt` again while it fails with an outage, holding the message.
 *
 * A redelivery counts against the consumer's `max_deliver`, and that budget is for
 * messages that fail *themselves* (a payment processor refusing, a bug): a JetStream
 * leader election must not spend it. The cluster drill showed why: a payment request
 * whose outcome could not be published while the `PAYMENT_EVENTS` leader was being
 * elected was nak'ed five times in 6 s (250 ms… 2 s of backoff) and dead-lettered, its
 * order left PLACED with the payment taken. So an outage is waited out here, with the
 * message in hand (the runner's `working()` keeps it ours), for up to `holdMs`; only
 * then does the error reach the runner, which naks it (one delivery spent). Any other
 * error returns at once. `stopping` ends the hold early (shutdown): the message is nak'ed
 * and whoever takes it next starts again.
 */
export function holdThroughOutage<T>(
  attempt: () => Promise<T>,
  options: {
    holdMs?: number;
    stopping: AbortSignal;
    /** Called before each wait; `retry` counts from 0. */
    onRetry?: (error: unknown, retry: number) => void;
  },
): Promise<T> {
  const { holdMs = OUTAGE_HOLD_MS, stopping, onRetry } = options;
  return retryThroughOutage(attempt, { timeoutMs: holdMs, isOutage, stopping, onRetry });
}
