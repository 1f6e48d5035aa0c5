/**
 * ### When each message should be sent: the pure half of the precise scheduler.
 *
 * A plan maps a message index to its *intended* offset from the start of the run, fixed in
 * advance. A steady plan spaces messages `1000 / rate` ms apart; a bursty plan sends `size`
 * messages at the same instant every `everyMs` (many real producers look like that: a batch
 * job, a tick of a thousand sensors). Latency is measured from these instants, never from
 * when a send really happened, so a stall delays every message it holds up and shows in
 * the histogram (coordinated omission corrected).
 */
export type SchedulePlan =
  | { kind: 'steady'; rate: number; count: number }
  | { kind: 'burst'; size: number; everyMs: number; count: number };

/** The intended offset (ms from the start) of message `index`. */
export function intendedOffsetMs(plan: SchedulePlan, index: number): number {
  return plan.kind === 'steady'
    ? (index * 1_000) / plan.rate
    : Math.floor(index / plan.size) * plan.everyMs;
}

/** How long the plan lasts: the offset of its last message. */
export function planDurationMs(plan: SchedulePlan): number {
  return plan.count === 0 ? 0 : intendedOffsetMs(plan, plan.count - 1);
}

/** Messages per second the plan offers on average. */
export function offeredRate(plan: SchedulePlan): number {
  return plan.kind === 'steady' ? plan.rate : (plan.size * 1_000) / plan.everyMs;
}

/**
 * What the sender does next, given the clock. Node's timers wake in whole milliseconds and
 * usually late, so the scheduler sleeps with a timer only while the target is further away
 * than `spinWindowMs`, and covers the last stretch by yielding to the event loop
 * (`setImmediate`), which lets deliveries be processed while it waits and wakes within
 * microseconds of the target.
 */
export type NextStep = { kind: 'send' } | { kind: 'sleep'; ms: number } | { kind: 'yield' };

export function nextStep(nowMs: number, targetMs: number, spinWindowMs: number): NextStep {
  const remaining = targetMs - nowMs;
  if (remaining <= 0) return { kind: 'send' };
  if (remaining > spinWindowMs) return { kind: 'sleep', ms: Math.floor(remaining - spinWindowMs) };
  return { kind: 'yield' };
}
