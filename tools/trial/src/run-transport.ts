import { performance } from 'node:perf_hooks';
import {
  intendedOffsetMs,
  jsonPayload,
  pidListeningOn,
  runPreciseOpenLoop,
  sampleCpu,
  sampleMemory,
  type LatencySummary,
  type SchedulePlan,
} from '@switchyard/bench';
import { waitFor } from '@switchyard/testkit';
import { messageCount, type Shape, type Transport } from './shape';
import { Tally } from './tally';
import type { TransportSession } from './transports/transport';

/** One transport's figures: what the comparison prints. */
export interface TransportResult {
  transport: Transport;
  delivery: TransportSession['delivery'];
  retention: string;
  fanout: string;
  sent: number;
  /** Intended send → first copy at each subscriber that stays (all, with fan-out 1). */
  latency: LatencySummary;
  /** The same at subscriber 0, the one taken away: its max is how late the backlog came. */
  returningLatency: LatencySummary;
  /** Latency (ms) at each of `CURVE_PERCENTILES`: the chart's line. */
  curve: number[];
  /** The sender's own error (actual − intended send), included in `latency`. */
  schedulingError: LatencySummary;
  /** Distinct deliveries per second (all subscribers), from the start to the last one. */
  deliveredPerSec: number;
  /** Messages published while subscriber 0 was away (by index: a deterministic window). */
  sentWhileAway: number;
  /** Per subscriber: distinct messages never received, and redeliveries. */
  lost: number[];
  duplicates: number[];
  /** CPU (% of one core) and peak RSS (MiB) of the broker process and of this client. */
  broker: { pid: number | undefined; cpuPercent: number; rssMb: number };
  client: { cpuPercent: number; rssMb: number };
}

/** Where the latency curve is read: denser towards the tail, where buses differ. */
export const CURVE_PERCENTILES = [
  1, 10, 25, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 98, 99, 99.5, 99.75, 99.9, 99.95, 100,
];

/** The schedule of a shape: steady at `rate`, or bursts of `burst.size` every `burst.everyMs`. */
export function planOf(shape: Shape): SchedulePlan {
  const count = messageCount(shape);
  return shape.burst
    ? { kind: 'burst', size: shape.burst.size, everyMs: shape.burst.everyMs, count }
    : { kind: 'steady', rate: shape.rate, count };
}

/**
 * The away window in message indexes: subscriber 0 leaves before message `from` is sent
 * and is back before message `to` is. With `forMs` 0 it never leaves.
 */
export function awayWindow(shape: Shape, plan: SchedulePlan): { from: number; to: number } {
  if (shape.disconnect.forMs === 0) return { from: plan.count, to: plan.count };
  const from = Math.min(plan.count - 1, Math.floor(plan.count * shape.disconnect.at));
  const back = intendedOffsetMs(plan, from) + shape.disconnect.forMs;
  let to = from + 1;
  while (to < plan.count && intendedOffsetMs(plan, to) < back) to++;
  return { from, to };
}

/**
 * ### One transport under the shape: precise open-loop sends, a subscriber away mid-run.
 *
 * Sends go out at their intended instants whatever the bus does (open loop), so a bus that
 * falls behind shows it as latency, not as a slower sender. Subscriber 0 leaves before
 * message `from` and comes back before message `to`; the control steps are chained so they
 * never overlap, and never hold up a send. After the last send the run waits (bounded)
 * until every subscriber has what it can still get, then counts.
 */
export async function runTransport(
  transport: Transport,
  session: TransportSession,
  shape: Shape,
  drainTimeoutMs: number,
): Promise<TransportResult> {
  const plan = planOf(shape);
  const { from, to } = awayWindow(shape, plan);
  const tally = new Tally(shape.fanout, plan.count);
  const dueAt: number[] = new Array<number>(plan.count);
  const { p } = jsonPayload(shape.size);

  await session.start((subscriber, index) => {
    const now = performance.now();
    tally.received(subscriber, index, now - (dueAt[index] ?? now), now);
  });

  const brokerPid = pidListeningOn(session.brokerPort);
  const brokerCpu = sampleCpu(() => (brokerPid ? [brokerPid] : []));
  const brokerMemory = brokerPid ? sampleMemory(brokerPid) : undefined;
  const clientMemory = sampleMemory(process.pid);
  const clientCpuBefore = process.cpuUsage();
  const started = performance.now();

  // Control steps run in order and never hold up a send. A step that is synchronous (core
  // NATS: UNSUB and SUB are queued on the publisher's connection at once) runs right here,
  // before the publish that follows it; an asynchronous one (a Kafka member leaving) is
  // chained after the previous step.
  let control: Promise<void> = Promise.resolve();
  let busy = false;
  const track = (pending: Promise<void>) => {
    busy = true;
    const mine: Promise<void> = pending.finally(() => {
      if (control === mine) busy = false;
    });
    control = mine;
  };
  const step = (action: () => void | Promise<void>) => {
    if (busy) return track(control.then(action));
    const pending = action();
    if (pending) track(pending);
  };
  const detach = () => session.detach();
  const reattach = () => session.reattach();

  const result = await runPreciseOpenLoop(
    (index, intendedAt) => {
      if (index === from) step(detach);
      if (index === to) step(reattach);
      dueAt[index] = intendedAt;
      return session.publish(JSON.stringify({ i: index, p }));
    },
    { plan, timeoutMs: drainTimeoutMs },
  );
  if (from < plan.count && to >= plan.count) step(reattach);
  await control;

  // At-most-once: what was sent while subscriber 0 was away will never come.
  const expected = (k: number) =>
    session.delivery === 'at-most-once' && k === 0 ? plan.count - (to - from) : plan.count;
  await waitFor('every subscriber to have its messages', () => tally.complete(expected), {
    timeoutMs: drainTimeoutMs,
    intervalMs: 20,
  }).catch(() => undefined); // what never came is counted as lost below

  const wallMs = performance.now() - started;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const brokerMem = brokerMemory?.stop();
  const clientMem = clientMemory.stop();
  const brokerCpuMs = brokerCpu.stop();
  const subscribers = [...Array(shape.fanout).keys()];
  const deliveredSeconds = ((tally.lastDeliveryAt || performance.now()) - result.startedAt) / 1_000;
  const delivered = subscribers.reduce((sum, k) => sum + tally.unique(k), 0);
  return {
    transport,
    delivery: session.delivery,
    retention: session.retention,
    fanout: session.fanout,
    sent: result.completed,
    latency: tally.latency.summary(),
    returningLatency: tally.returningLatency.summary(),
    curve: CURVE_PERCENTILES.map((percentile) => tally.latency.atPercentileMs(percentile)),
    schedulingError: result.schedulingError,
    deliveredPerSec: deliveredSeconds > 0 ? delivered / deliveredSeconds : 0,
    sentWhileAway: to - from,
    lost: subscribers.map((k) => tally.lost(k)),
    duplicates: subscribers.map((k) => tally.duplicates(k)),
    broker: {
      pid: brokerPid,
      cpuPercent: (brokerCpuMs / wallMs) * 100,
      rssMb: brokerMem?.maxRssMb ?? Number.NaN,
    },
    client: {
      cpuPercent: ((clientCpu.user + clientCpu.system) / 1_000 / wallMs) * 100,
      rssMb: clientMem.maxRssMb,
    },
  };
}
