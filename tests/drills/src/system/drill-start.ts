import type { DrillBaseline, InvariantChecker } from '../checks/invariants';
import type { OrderLoad } from '../load/order-load';
import type { DrillBrokers } from './drill-harness';
import type { DrillSystem } from './drill-system';

export interface DrillParts {
  load: OrderLoad;
  system: DrillSystem;
  brokers: DrillBrokers;
  checker: InvariantChecker;
}

/** A drill's orders that never end were that drill's failure: wait for them this long only. */
const PREVIOUS_SETTLE_MS = 30_000;

/**
 * ### Every drill starts from a known point, whatever the drill before it did.
 *
 * A drill that passed leaves the load paused, every process running and every order
 * terminal. A drill that failed half-way may leave the load running, a process stopped,
 * Kafka down or orders still moving. So each drill pauses the load, brings every part
 * back, gives the previous drill's orders a bounded time to end (what never ends is
 * reported by that drill, not this one), and only then takes its baseline: the drill
 * is checked against what changed after it (`InvariantChecker.check`). This is also
 * what lets one drill run alone (`jest -t`).
 */
export async function drillStart(
  { load, system, brokers, checker }: DrillParts,
  previousFrom: number,
): Promise<DrillBaseline> {
  await load.pause();
  await brokers.ensureUp();
  await system.ensureRunning();
  await checker
    .settle(load.accepted.slice(previousFrom), PREVIOUS_SETTLE_MS)
    .catch(() => undefined);
  return checker.baseline(load.accepted.length);
}
