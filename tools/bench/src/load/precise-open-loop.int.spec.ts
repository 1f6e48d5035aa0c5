import { performance } from 'node:perf_hooks';
import { benchTopology } from '@switchyard/contracts';
import { uniqueNamespace } from '@switchyard/testkit';
import { Deliveries } from './deliveries';
import { runPreciseOpenLoop } from './precise-open-loop';
import { intendedOffsetMs, type SchedulePlan } from './schedule';
import { connectRaw } from '../raw/raw-nats';

/**
 * The precise sender against a real NATS server. What matters to a reader of its figures:
 * it never sends early (latency from the intended instant is then an upper bound, never
 * flattering), it sends in order, and the scheduling error it reports is the one that
 * happened (the test measures the same sends itself and compares). How small the error is
 * depends on the machine's load and is reported by the bench, never asserted here.
 */
describe('precise open-loop sends over core NATS', () => {
  it('sends in order, never early, and reports the scheduling error it measured', async () => {
    const subject = benchTopology(uniqueNamespace('sched')).nats.subjects.ladderCore;
    const publisher = await connectRaw('sched-publisher');
    const receiver = await connectRaw('sched-receiver');
    try {
      const received: number[] = [];
      const deliveries = new Deliveries();
      receiver.subscribe(subject, {
        callback: (error, msg) => {
          if (error) return;
          const i = msg.json<{ i: number }>().i;
          received.push(i);
          deliveries.received(i);
        },
      });
      await receiver.flush();

      const plan: SchedulePlan = { kind: 'burst', size: 5, everyMs: 20, count: 200 };
      const sentAt: number[] = [];
      const result = await runPreciseOpenLoop(
        async (i) => {
          sentAt[i] = performance.now();
          const delivered = deliveries.expect(i, 1);
          publisher.publish(subject, JSON.stringify({ i }));
          await delivered;
        },
        { plan, timeoutMs: 10_000 },
      );

      expect(result.completed).toBe(plan.count);
      expect(result.failed).toBe(0);
      expect(received).toEqual([...Array(plan.count).keys()]);

      const errors = sentAt.map((at, i) => at - (result.startedAt + intendedOffsetMs(plan, i)));
      expect(Math.min(...errors)).toBeGreaterThanOrEqual(0);
      // The reported error is read just before each send: never more than what the test saw
      // inside the send, and its maximum is the same sends' (HDR keeps 3 digits, ≥ 1 µs).
      expect(result.schedulingError.count).toBe(plan.count);
      const tolerance = (ms: number) => ms * 0.001 + 0.001;
      expect(result.schedulingError.max).toBeLessThanOrEqual(
        Math.max(...errors) + tolerance(Math.max(...errors)),
      );
      expect(result.latency.count).toBe(plan.count);
    } finally {
      await publisher.close();
      await receiver.close();
    }
  });
});
