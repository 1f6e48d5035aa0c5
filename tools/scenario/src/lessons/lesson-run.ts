import {
  lessonTopology,
  topology,
  type LessonTopology,
  type Topology,
} from '@switchyard/contracts';
import { uniqueNamespace } from '@switchyard/testkit';

/**
 * ### A lesson run's own names.
 *
 * The lesson scenarios need no running demo: they talk to the brokers directly, each run
 * in a namespace nobody else uses (`l` + random hex), so runs and tests can go side by
 * side and again, and a run never touches the demo's names. Each scenario deletes what
 * it created, even when a step fails.
 */
export interface LessonRun {
  namespace: string;
  /** The lesson-only names (topics, groups, streams) of this run. */
  names: LessonTopology;
  /** The project's names in this run's namespace (the telemetry subject family). */
  topology: Topology;
}

export function lessonRun(): LessonRun {
  const namespace = uniqueNamespace('l');
  return { namespace, names: lessonTopology(namespace), topology: topology(namespace) };
}
