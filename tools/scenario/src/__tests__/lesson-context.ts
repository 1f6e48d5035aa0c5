import { repoRoot, testEnv } from '@switchyard/testkit';
import { openContext, type ScenarioContext } from '../context';
import { ScenarioEnvSchema } from '../env';
import { silentNarrator } from '../narrator';
import type { ScenarioOptions } from '../scenario';

/**
 * A scenario context on the test brokers, for the lessons that need no running demo: they
 * make their own names per run (lessonRun), so no namespace is given here.
 */
export function lessonContext(): Promise<ScenarioContext & { close(): Promise<void> }> {
  return openContext(
    ScenarioEnvSchema.parse({
      NATS_URL: testEnv.NATS_URL,
      KAFKA_BROKERS: testEnv.KAFKA_BROKERS.join(','),
    }),
    silentNarrator,
    repoRoot,
  );
}

/** The CLI's shared options (unused by the lessons), for calling `run` directly. */
export const sharedOptions: ScenarioOptions = { orders: 10, downSeconds: 20 };
