import { lessonContext, sharedOptions } from '../__tests__/lesson-context';
import type { ScenarioContext } from '../context';
import { slowConsumer } from './slow-consumer';

// Skipped, not proven: on a quiet machine (2026-12-02, CI run 5 and by hand) the server never
// counted a slow consumer (`serverSlowConsumers` 0): the client's socket buffers absorb the
// burst, so the verdict depends on the machine. It passed only under heavy load. The scenario
// needs a subscriber the server must cut off on every machine before this asserts again.
describe.skip('slow-consumer: core NATS cuts a slow subscriber off; the logs let readers lag', () => {
  let context: ScenarioContext & { close(): Promise<void> };

  beforeAll(async () => {
    context = await lessonContext();
  });

  afterAll(() => context?.close());

  it('given a burst faster than every reader, then the server disconnects the core subscriber as a slow consumer, while the pull consumer and the Kafka consumer fall behind and receive all', async () => {
    const outcome = await slowConsumer.run(context, {
      ...sharedOptions,
      messages: 4_000,
      size: 4_096,
      workMs: 1,
      maxPendingKib: 512,
    });

    // The server's verdict, from its monitoring port, and the client's view of it.
    expect(outcome.core.serverSlowConsumers).toBeGreaterThanOrEqual(1);
    expect(outcome.core.closedReasons.some((reason) => /slow consumer/i.test(reason))).toBe(true);
    expect(outcome.core.statuses).toContain('disconnect');
    expect(outcome.core.received).toBeLessThan(outcome.published);
    // The logs: behind at some point, nothing lost.
    expect(outcome.jetstream.peakBehind).toBeGreaterThan(0);
    expect(outcome.jetstream.received).toBe(outcome.published);
    expect(outcome.kafka.peakBehind).toBeGreaterThan(0);
    expect(outcome.kafka.received).toBe(outcome.published);
  });
});
