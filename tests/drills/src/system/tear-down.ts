/**
 * Runs every cleanup step, whatever the earlier ones did, then fails with all that went
 * wrong. An `afterAll` that stopped at its first error would leave the drill's Kafka
 * broker (a JVM) and nats-server running, and their directories on disk, after any run
 * whose services did not stop cleanly: exactly the runs that failed.
 */
export async function tearDown(steps: [string, () => unknown][]): Promise<void> {
  const failures: string[] = [];
  for (const [what, step] of steps) {
    try {
      await step();
    } catch (error) {
      failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failures.length > 0) throw new Error(`drill cleanup failed: ${failures.join('; ')}`);
}
