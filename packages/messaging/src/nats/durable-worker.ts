import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { PullConsumerRunner, type PullConsumerRunnerOptions } from './pull-consumer-runner';
import { ensurePullConsumer } from './streams';

export interface DurableWorkerOptions extends Omit<PullConsumerRunnerOptions, 'js'> {
  /** Only messages on these subjects (one subject: works on server 2.9). */
  filterSubject?: string;
  /** Unacked messages allowed across all instances: bounds redelivery storms. */
  maxAckPending?: number;
}

/**
 * Declares the durable pull consumer with the same `max_deliver` and `ack_wait` the
 * runner works with (the two must agree: the runner's "last chance" is the server's),
 * then starts pulling. Every JetStream worker in Switchyard starts this way.
 */
export async function startDurableWorker(
  js: JetStreamClient,
  jsm: JetStreamManager,
  options: DurableWorkerOptions,
): Promise<PullConsumerRunner> {
  const { filterSubject, maxAckPending, ...runnerOptions } = options;
  await ensurePullConsumer(jsm, options.stream, {
    durable_name: options.durable,
    ack_wait: nanos(options.ackWaitMs),
    max_deliver: options.maxDeliver,
    ...(filterSubject ? { filter_subject: filterSubject } : {}),
    ...(maxAckPending ? { max_ack_pending: maxAckPending } : {}),
  });
  const runner = new PullConsumerRunner({ js, ...runnerOptions });
  await runner.start();
  return runner;
}
