import { repoRoot, testEnv } from '@switchyard/testkit';
import { openContext, type ScenarioContext } from '../context';
import { ScenarioEnvSchema } from '../env';
import { silentNarrator } from '../narrator';

/**
 * A context for the lesson scenarios that need only the brokers (no demo): the test
 * brokers of `testEnv`, a silent narrator. The scenario makes its own unique names.
 */
export function brokersContext(): Promise<ScenarioContext & { close(): Promise<void> }> {
  return openContext(
    ScenarioEnvSchema.parse({
      NATS_URL: testEnv.NATS_URL,
      KAFKA_BROKERS: testEnv.KAFKA_BROKERS.join(','),
    }),
    silentNarrator,
    repoRoot,
  );
}
