import type {
  ConsumerControlReply,
  ConsumerControlResult,
  ConsumerSummary,
  ControlledService,
} from '@switchyard/contracts';

/**
 * Folds the replies of every instance of one service into one line per consumer.
 * Consumers the topology declares are listed even when no instance answered
 * (`instances: 0`), so a stopped service still shows up; a consumer is `paused` only
 * when every instance that runs it is.
 */
export function summarizeConsumers(
  service: ControlledService,
  declared: readonly string[],
  replies: readonly ConsumerControlReply[],
): ConsumerSummary[] {
  const names = [...declared];
  for (const reply of replies) {
    for (const { consumer } of reply.consumers) if (!names.includes(consumer)) names.push(consumer);
  }
  return names.map((consumer) => {
    const states = replies.flatMap((reply) =>
      reply.consumers.filter((state) => state.consumer === consumer),
    );
    return {
      service,
      consumer,
      paused: states.length > 0 && states.every((state) => state.paused),
      instances: states.length,
    };
  });
}

/** The state of a whole service after a pause or resume. */
export function controlResult(
  service: ControlledService,
  consumers: ConsumerSummary[],
  instances: number,
): ConsumerControlResult {
  const running = consumers.filter((consumer) => consumer.instances > 0);
  return {
    service,
    paused: running.length > 0 && running.every((consumer) => consumer.paused),
    instances,
    consumers,
  };
}
