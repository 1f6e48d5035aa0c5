import {
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerInfo,
  type JetStreamManager,
} from '@nats-io/jetstream';

/** The one JetStream manager call the state needs: a `JetStreamManager` fits, and so does a test double. */
export interface ConsumerStateManager {
  consumers: Pick<JetStreamManager['consumers'], 'info'>;
}

export interface JetStreamConsumerState {
  /** Messages in the stream that match the consumer and were never delivered to it: the backlog. */
  numPending: number;
  /** Delivered, not yet acked (in a handler, or lost with a crashed worker until `ack_wait`). */
  numAckPending: number;
  /** Messages delivered more than once, currently waiting for their ack. */
  numRedelivered: number;
  /** Deliveries so far (the consumer sequence), redeliveries included. */
  delivered: number;
}

/**
 * The server's view of a durable consumer, or `undefined` when the stream or the consumer
 * does not exist (yet: a service creates its consumer on start; or any more).
 *
 * Why ask the server and not count in the runner: `num_pending` includes what was
 * published while no worker ran at all. That is JetStream's lesson, work waits for an
 * offline consumer, and only the server knows it.
 */
export async function jetStreamConsumerState(
  jsm: ConsumerStateManager,
  stream: string,
  durable: string,
): Promise<JetStreamConsumerState | undefined> {
  let info: ConsumerInfo;
  try {
    info = await jsm.consumers.info(stream, durable);
  } catch (error) {
    if (
      error instanceof JetStreamApiError &&
      (error.code === JetStreamApiCodes.StreamNotFound ||
        error.code === JetStreamApiCodes.ConsumerNotFound)
    ) {
      return undefined;
    }
    throw error;
  }
  return {
    numPending: info.num_pending,
    numAckPending: info.num_ack_pending,
    numRedelivered: info.num_redelivered,
    delivered: info.delivered.consumer_seq,
  };
}
