import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Whether the server accepted a subscription: `'allowed'`, or the violation it answered.
 *
 * The server answers a refused SUB with `-ERR 'Permissions Violation for Subscription to
 * …'` as it processes it, before it answers the PING of the `flush()` sent after it: once
 * the flush resolved, a refusal has already reached the subscription's callback. No
 * waiting on a timer.
 */
export async function subscribeOutcome(
  nc: NatsConnection,
  subject: string,
  queue?: string,
): Promise<string> {
  let refused: string | undefined;
  const subscription = nc.subscribe(subject, {
    ...(queue !== undefined && { queue }),
    callback: (error) => {
      if (error) refused = error.message;
    },
  });
  await nc.flush();
  if (!subscription.isClosed()) subscription.unsubscribe();
  return refused ?? 'allowed';
}

/** The message of the error `action` was refused with, or `'allowed'`. */
export async function outcomeOf(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
    return 'allowed';
  } catch (error) {
    return (error as Error).message;
  }
}
