import { lessonContext, sharedOptions } from '../__tests__/lesson-context';
import type { ScenarioContext } from '../context';
import { slowConsumer } from './slow-consumer';

// The verdict is forced, not hoped for: the core subscriber's handler is stuck from the first
// message (its thread reads nothing), and the burst goes on until the server counts a slow
// consumer. Before (2026-12-02) the subscriber was merely slow, Linux grew its socket buffer
// to absorb the burst, and on a quiet machine the server never cut it off.
describe('slow-consumer: core NATS cuts a slow subscriber off; the logs let readers lag', () => {
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
    expect(outcome.published).toBeGreaterThanOrEqual(4_000);
    // The logs: behind at some point, nothing lost.
    expect(outcome.jetstream.peakBehind).toBeGreaterThan(0);
    expect(outcome.jetstream.received).toBe(outcome.published);
    expect(outcome.kafka.peakBehind).toBeGreaterThan(0);
    expect(outcome.kafka.received).toBe(outcome.published);
  });
});
