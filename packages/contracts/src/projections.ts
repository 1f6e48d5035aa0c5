import { z } from 'zod';

/**
 * ### The rebuild control plane: which read models exist, and how to ask about them.
 *
 * `RebuildProjection` and `GetProjectionStatus` are NATS request-reply (queue group
 * `rebuilder`); the gateway exposes them as `POST /admin/projections/:name/rebuild` and
 * `GET /admin/projections/:name`. Live progress is also published, at most once, on
 * `projections.<name>.rebuild.progress`.
 */
export const PROJECTIONS = ['orders'] as const;
export const ProjectionNameSchema = z.enum(PROJECTIONS);
export type ProjectionName = z.infer<typeof ProjectionNameSchema>;

/** Start a blue-green rebuild of one projection. Answered at once; the work runs on. */
export const RebuildProjectionCommandSchema = z.strictObject({ projection: ProjectionNameSchema });
export type RebuildProjectionCommand = z.infer<typeof RebuildProjectionCommandSchema>;

/** Ask for the live version and the last rebuild run of one projection. */
export const GetProjectionStatusQuerySchema = z.strictObject({ projection: ProjectionNameSchema });
export type GetProjectionStatusQuery = z.infer<typeof GetProjectionStatusQuerySchema>;

/**
 * `running` until the swap; then `swapped` (reads come from the new version) or `failed`
 * (the new version was dropped; the live one never changed).
 */
export const RebuildRunStateSchema = z.enum(['running', 'swapped', 'failed']);
export type RebuildRunState = z.infer<typeof RebuildRunStateSchema>;

export const RebuildProjectionReplySchema = z.object({
  runId: z.uuid(),
  state: RebuildRunStateSchema,
});
export type RebuildProjectionReply = z.infer<typeof RebuildProjectionReplySchema>;

export const RebuildRunSchema = z.object({
  runId: z.uuid(),
  state: RebuildRunStateSchema,
  /** The version being built (null in the moment before its table exists). */
  version: z.int().positive().nullable(),
  /** Records between offset zero and the finish line (end offsets when the run started). */
  eventsTotal: z.int().nonnegative(),
  eventsApplied: z.int().nonnegative(),
  eventsPerSecond: z.number().nonnegative(),
  /** Null while the rate is still unknown, and once the run has finished. */
  etaSeconds: z.number().nonnegative().nullable(),
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }).nullable(),
  error: z.string().nullable(),
  /**
   * Set when an operator rebuilt from an incomplete history on purpose
   * (`--allow-incomplete-history`): what the source lacked, so the swapped-in version is
   * known to lack it too. Null otherwise.
   */
  warning: z.string().nullable(),
});
export type RebuildRun = z.infer<typeof RebuildRunSchema>;

export const ProjectionStatusSchema = z.object({
  projection: ProjectionNameSchema,
  activeVersion: z.int().positive(),
  /** Kept for rollback until the next successful rebuild. */
  previousVersion: z.int().positive().nullable(),
  /**
   * Events the live version holds because their predecessor has not arrived (a follow-up
   * before its `OrderPlaced`, or after a version gap): applied when it does. Above 0 for
   * long, an order's history is incomplete on the topic (ADR 0024).
   */
  parkedEvents: z.int().nonnegative(),
  lastRun: RebuildRunSchema.nullable(),
});
export type ProjectionStatus = z.infer<typeof ProjectionStatusSchema>;

/** One progress sample, published on core NATS about once a second during a run. */
export const RebuildProgressSchema = RebuildRunSchema.extend({ projection: ProjectionNameSchema });
export type RebuildProgress = z.infer<typeof RebuildProgressSchema>;
