import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  ConsumerControlCommandSchema,
  type ConsumerControlAction,
  type ConsumerControlReply,
} from '@switchyard/contracts';
import type { RunnerLogger } from '../nats/pull-consumer-runner';
import type { PausableConsumer } from './pausable';

export interface ConsumerControlResponderOptions {
  /** `control.<service>.consumers` from contracts' topology. */
  subject: string;
  service: string;
  /** Tells this instance's reply from the others' (`host:pid`). */
  instance: string;
  /** The consumers this instance runs right now (they register as they start). */
  consumers(): readonly PausableConsumer[];
  logger: RunnerLogger;
}

/**
 * ### Answers `ConsumerControl` for one instance.
 *
 * A plain core NATS subscription, deliberately WITHOUT a queue group: a queue group
 * would hand the command to one instance, but each instance runs its own pull loop (or
 * Kafka group member), so each must pause its own. Every instance replies with its
 * state; the requester gathers the replies with `requestMany` (see the gateway).
 *
 * `pause` replies only after the in-flight batch is settled, so "paused" in the reply is
 * true: from then on this instance takes no work until `resume`.
 */
export function serveConsumerControl(
  nc: NatsConnection,
  options: ConsumerControlResponderOptions,
): Subscription {
  const { subject, service, instance, consumers, logger } = options;

  const state = (): ConsumerControlReply => ({
    service,
    instance,
    consumers: consumers().map((consumer) => ({
      consumer: consumer.name,
      paused: consumer.isPaused,
    })),
  });

  const apply = async (action: ConsumerControlAction): Promise<void> => {
    if (action === 'pause') await Promise.all(consumers().map((consumer) => consumer.pause()));
    if (action === 'resume') consumers().forEach((consumer) => consumer.resume());
    if (action !== 'status') {
      logger.warn(`consumers ${action}d by the control plane: ${JSON.stringify(state())}`);
    }
  };

  const handle = async (message: Msg): Promise<void> => {
    let action: ConsumerControlAction;
    try {
      action = ConsumerControlCommandSchema.parse(message.json()).action;
    } catch (error) {
      // A malformed command changes nothing; the state reply tells the sender so.
      logger.warn(`ignored a malformed consumer control command: ${String(error)}`);
      message.respond(JSON.stringify(state()));
      return;
    }
    await apply(action);
    message.respond(JSON.stringify(state()));
  };

  return nc.subscribe(subject, {
    callback: (error, message) => {
      if (error) {
        logger.error(`consumer control subscription failed: ${String(error)}`);
        return;
      }
      handle(message).catch((failure: unknown) =>
        logger.error(`consumer control failed: ${String(failure)}`),
      );
    },
  });
}
