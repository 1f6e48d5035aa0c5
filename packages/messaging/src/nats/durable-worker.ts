import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import {
  PullConsumerRunner,
  serverMaxDeliver,
  type PullConsumerRunnerOptions,
} from './pull-consumer-runner';
import { ensurePullConsumer } from './streams';

export interface DurableWorkerOptions extends Omit<PullConsumerRunnerOptions, 'js'> {
  /** Only messages on these subjects (one subject: works on server 2.9). */
  filterSubject?: string;
  /** Unacked messages allowed across all instances: bounds redelivery storms. */
  maxAckPending?: number;
}

/**
 * Declares the durable pull consumer with the `ack_wait` the runner works with and a
 * server-side `max_deliver` ABOVE the runner's `maxDeliver` (`serverMaxDeliver`): the
 * runner decides the last chance and dead-letters it; the server's limit is only a
 * backstop, so it never drops a message the runner still answers for (ADR 0021). A
 * durable declared before with another `max_deliver` is updated (nats-server 2.9 allows
 * it): a restart migrates an existing deployment. Every JetStream worker in Switchyard
 * starts this way.
 */
export async function startDurableWorker(
  js: JetStreamClient,
  jsm: JetStreamManager,
  options: DurableWorkerOptions,
): Promise<PullConsumerRunner> {
  const { filterSubject, maxAckPending, ...runnerOptions } = options;
  await declareDurable(jsm, { ...options, filterSubject, maxAckPending });
  const runner = new PullConsumerRunner({ js, ...runnerOptions });
  await runner.start();
  return runner;
}

export interface DurableDeclaration {
  stream: string;
  durable: string;
  filterSubject?: string;
  /** The runner's policy; the server's `max_deliver` is set above it (`serverMaxDeliver`). */
  maxDeliver: number;
  ackWaitMs: number;
  maxAckPending?: number;
}

/** Declares (or updates) the durable the way its runner needs it: see `startDurableWorker`. */
export async function declareDurable(
  jsm: JetStreamManager,
  declaration: DurableDeclaration,
): Promise<void> {
  const { stream, durable, filterSubject, maxDeliver, ackWaitMs, maxAckPending } = declaration;
  await ensurePullConsumer(jsm, stream, {
    durable_name: durable,
    ack_wait: nanos(ackWaitMs),
    max_deliver: serverMaxDeliver(maxDeliver),
    ...(filterSubject ? { filter_subject: filterSubject } : {}),
    ...(maxAckPending ? { max_ack_pending: maxAckPending } : {}),
  });
}
