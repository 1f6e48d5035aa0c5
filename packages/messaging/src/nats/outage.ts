import { setTimeout as delay } from 'node:timers/promises';
import { JetStreamApiError } from '@nats-io/jetstream';
import {
  backoff,
  NoRespondersError,
  RequestError,
  TimeoutError,
  type Backoff,
} from '@nats-io/transport-node';

/** Whether `error` or one of its causes (five deep: callers wrap what they caught) matches. */
export function hasCause(error: unknown, matches: (cause: Error) => boolean): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; depth++) {
    if (matches(cause)) return true;
    cause = cause.cause;
  }
  return false;
}

/**
 * Did `error` come from NATS or JetStream being briefly unable to answer, rather than from
 * what was asked? A request timing out or meeting no responders (a publish to a stream
 * whose leader is being elected: nats.js reports it as `JetStreamNotEnabled`), a JetStream
 * API answering 503. The cause chain is followed: a caller may wrap what it caught.
 */
export function isNatsOutage(error: unknown): boolean {
  return hasCause(
    error,
    (cause) =>
      cause instanceof TimeoutError ||
      cause instanceof NoRespondersError ||
      (cause instanceof RequestError && cause.isNoResponders()) ||
      (cause instanceof JetStreamApiError && cause.status === 503) ||
      // Not exported by @nats-io/jetstream's entry point; its name is what it throws.
      cause.name === 'JetStreamNotEnabled',
  );
}

/** nats.js's jittered backoff between attempts: 250 ms, 500 ms, 1 s, 2 s, capped at 5 s. */
const retries = backoff([250, 500, 1_000, 2_000, 5_000]);

export interface OutageRetryOptions {
  /** How long to keep asking, from the first attempt; then the outage's error is thrown. */
  timeoutMs: number;
  /** What counts as an outage (`isNatsOutage`); anything else is thrown at once. */
  isOutage?: (error: unknown) => boolean;
  /** Ends the retries early (shutdown): the next failure is thrown. */
  stopping?: AbortSignal;
  /** Called before each wait; `retry` counts from 0. */
  onRetry?: (error: unknown, retry: number) => void;
  /** The waits between attempts (default 250 ms, 500 ms, 1 s, 2 s, then 5 s, jittered). */
  delays?: Backoff;
}

/**
 * ### Runs `attempt` again while it fails with an outage, for up to `timeoutMs`.
 *
 * The one retry loop for "NATS cannot answer right now": the declarations at start
 * (`declareThroughOutage`) and the consumer host's hold of a message (ADR 0048) both use
 * it. `attempt` must be safe to run again, including after a timeout whose request did
 * go through.
 */
export async function retryThroughOutage<T>(
  attempt: () => Promise<T>,
  { timeoutMs, isOutage = isNatsOutage, stopping, onRetry, delays = retries }: OutageRetryOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      const delayMs = delays.backoff(retry);
      if (!isOutage(error) || stopping?.aborted || Date.now() + delayMs > deadline) throw error;
      onRetry?.(error, retry);
      // An abort (shutdown) resolves the wait early; the next failure then throws.
      await delay(delayMs, undefined, { signal: stopping }).catch(() => undefined);
    }
  }
}

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
export function declareThroughOutage<T>(attempt: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  return retryThroughOutage(attempt, { timeoutMs });
}
