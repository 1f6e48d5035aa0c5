import { setTimeout as delay } from 'node:timers/promises';
import { JetStreamApiError } from '@nats-io/jetstream';
import { backoff, NoRespondersError, RequestError, TimeoutError } from '@nats-io/transport-node';

/**
 * Did `error` come from NATS or JetStream being briefly unable to answer, rather than from
 * what was asked? A request timing out or meeting no responders (a publish to a stream
 * whose leader is being elected: nats.js reports it as `JetStreamNotEnabled`), a JetStream
 * API answering 503. The cause chain is followed: a caller may wrap what it caught.
 */
export function isNatsOutage(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; depth++) {
    if (
      cause instanceof TimeoutError ||
      cause instanceof NoRespondersError ||
      (cause instanceof RequestError && cause.isNoResponders()) ||
      (cause instanceof JetStreamApiError && cause.status === 503) ||
      // Not exported by @nats-io/jetstream's entry point; its name is what it throws.
      cause.name === 'JetStreamNotEnabled'
    )
      return true;
    cause = cause.cause;
  }
  return false;
}

/** nats.js's jittered backoff: 250 ms, 500 ms, 1 s, 2 s, capped at 5 s. */
const retries = backoff([250, 500, 1_000, 2_000, 5_000]);

/**
 * ### Runs an idempotent JetStream declaration again while NATS cannot answer.
 *
 * A service declares its streams, buckets and durables at start. On a busy cluster a
 * replicated stream's creation can outlast the API's 5 s timeout (the cluster drills saw
 * it with seven services starting at once on two cores), or the meta leader can be
 * changing: the service then exited "TimeoutError: timeout" and waited for a restart.
 * Every declaration here is idempotent (create, or reconcile what exists), so asking
 * again is safe, including after a timeout whose request did go through. Bounded by
 * `timeoutMs` (60 s), then the error: a broker that is really gone still fails the start,
 * loudly.
 */
export async function declareThroughOutage<T>(
  attempt: () => Promise<T>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      const delayMs = retries.backoff(retry);
      if (!isNatsOutage(error) || Date.now() + delayMs > deadline) throw error;
      await delay(delayMs);
    }
  }
}
