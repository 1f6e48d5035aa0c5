import type { ScenarioContext } from '../context';
import { lessonContext } from '../__tests__/lesson-context';
import { replayToJetStream } from './replay-to-jetstream';

describe('replay-to-jetstream: moving a consumer off Kafka starts with a replay', () => {
  let context: ScenarioContext & { close(): Promise<void> };

  beforeAll(async () => {
    context = await lessonContext();
  });

  afterAll(() => context?.close());

  it('copies every record into the stream in each key’s Kafka order, and a re-run stores nothing twice', async () => {
    const outcome = await replayToJetStream.run(context, {
      orders: 0,
      downSeconds: 0,
      events: 600,
      keys: 12,
    });

    expect(outcome.kafkaRecords).toBe(600);
    expect(outcome.streamMessages).toBe(600);
    expect(outcome.keys).toBe(12);
    expect(outcome.keysInKafkaOrder).toBe(12);
    expect(outcome.rerunDuplicates).toBe(600);
    expect(outcome.streamMessagesAfterRerun).toBe(600);
  });
});
