import { z } from 'zod';

/**
 * ### Faults a demo runner can trigger from the dashboard (ADR 0047)
 *
 * A closed list: the fault injector runs these and nothing else, and the gateway forwards
 * only these names. There is no "run this command" action, on purpose: a page that can
 * kill processes must not be able to choose which.
 */
export const FAULT_ACTIONS = ['stop-kafka', 'kill-bridge'] as const;
export const FaultActionSchema = z.enum(FAULT_ACTIONS);
export type FaultAction = z.infer<typeof FaultActionSchema>;

/** One action as the page shows it: its label says what it will do, and for how long. */
export const FaultActionInfoSchema = z.object({
  id: FaultActionSchema,
  label: z.string(),
  /** What happens, step by step, and what to watch on the page meanwhile. */
  description: z.string(),
  /** How long the fault lasts (Kafka down; the bridge dead before its restart). */
  seconds: z.int().positive(),
});
export type FaultActionInfo = z.infer<typeof FaultActionInfoSchema>;

/** The fault under way: at most one at a time (another is refused with 409). */
export const RunningFaultSchema = z.object({
  action: FaultActionSchema,
  label: z.string(),
  /** `stopping`, `down`, `restarting`: where the fault is now, in the injector's words. */
  phase: z.enum(['stopping', 'down', 'restarting']),
  startedAt: z.iso.datetime(),
  /** Seconds until the injector (or the demo's supervisor) starts it again; 0 once it is. */
  remainingSeconds: z.int().nonnegative(),
});
export type RunningFault = z.infer<typeof RunningFaultSchema>;

/** How the last fault ended: `recovered`, or `failed` with the reason. */
export const FaultOutcomeSchema = z.object({
  action: FaultActionSchema,
  outcome: z.enum(['recovered', 'failed']),
  endedAt: z.iso.datetime(),
  error: z.string().optional(),
});
export type FaultOutcome = z.infer<typeof FaultOutcomeSchema>;

/**
 * `GET /admin/faults`. `available: false` everywhere but the no-Docker demo (`reason`
 * says why), so the page shows the buttons as unavailable instead of broken.
 */
export const FaultsStateSchema = z.object({
  available: z.boolean(),
  reason: z.string().optional(),
  actions: z.array(FaultActionInfoSchema),
  running: RunningFaultSchema.nullable(),
  last: FaultOutcomeSchema.nullable(),
});
export type FaultsState = z.infer<typeof FaultsStateSchema>;
