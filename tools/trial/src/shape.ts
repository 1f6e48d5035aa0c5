import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

/** `0`/`none`, `forever`, or a number with a unit: `90s`, `10m`, `2h`, `7d`. */
const RETENTION = /^(none|forever|0|(\d+)(s|m|h|d))$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * ### A workload shape: what the reader's system sends, and what it needs from the bus.
 *
 * The fields follow the article's advice ("map your workload to three dimensions: delivery
 * semantics, retention, fan-out") plus the load itself (size, rate, burstiness, duration).
 * Every field has a default, so `npm run trial` alone runs a small, typical shape.
 */
export const ShapeSchema = z
  .object({
    /** Payload bytes per message. */
    size: z.coerce.number().int().min(16).max(1_048_576).default(256),
    /** Messages per second, evenly spaced (ignored when `burst` is set). */
    rate: z.coerce.number().positive().max(20_000).default(300),
    /** Bursty load instead: `size` messages at once every `everyMs`. */
    burst: z
      .object({
        size: z.coerce.number().int().min(1).max(10_000),
        everyMs: z.coerce.number().int().min(1).max(60_000),
      })
      .optional(),
    /** Independent subscribers that each get every message (broadcast). */
    fanout: z.coerce.number().int().min(1).max(10).default(2),
    /** Competing consumers inside each subscriber (a queue group, a work queue, a consumer group). */
    consumers: z.coerce.number().int().min(1).max(8).default(1),
    /** What the reader's system needs: may a message be lost when a consumer is away? */
    delivery: z.enum(['at-most-once', 'at-least-once']).default('at-least-once'),
    /** How long the bus must keep messages for replay. */
    retention: z
      .string()
      .regex(RETENTION, 'use none, forever, or a number with s, m, h or d (e.g. 1h)')
      .default('1h'),
    /** Seconds of load per transport. */
    duration: z.coerce.number().positive().max(600).default(10),
    /** Take subscriber 0 away for `forMs`, `at` (a fraction) of the way into the run; 0 ms: never. */
    disconnect: z
      .object({
        at: z.coerce.number().min(0).max(1).default(0.4),
        forMs: z.coerce.number().int().min(0).max(60_000).default(1_000),
      })
      .default({ at: 0.4, forMs: 1_000 }),
    /** Which transports to run, in this order. */
    transports: z
      .array(z.enum(['core', 'jetstream', 'kafka']))
      .min(1)
      .default(['core', 'jetstream', 'kafka']),
  })
  .strict();

export type Shape = z.infer<typeof ShapeSchema>;
export type Transport = Shape['transports'][number];

/** Retention in ms: 0 for none, `Infinity` for forever. */
export function retentionMs(retention: string): number {
  if (retention === 'forever') return Number.POSITIVE_INFINITY;
  const match = RETENTION.exec(retention);
  if (!match?.[2]) return 0;
  return Number(match[2]) * UNIT_MS[match[3] as keyof typeof UNIT_MS];
}

/** How many messages the shape sends per transport. */
export function messageCount(shape: Shape): number {
  const perSecond = shape.burst ? (shape.burst.size * 1_000) / shape.burst.everyMs : shape.rate;
  return Math.max(1, Math.round(perSecond * shape.duration));
}

/** A shape that failed validation, with one line per field. */
export class ShapeError extends Error {}

/**
 * The shape from a YAML file (if any) with command-line values on top, validated. A wrong
 * field is named with its path and what is expected, rather than failing later mid-run.
 */
export function resolveShape(
  file: string | undefined,
  flags: Record<string, unknown>,
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): Shape {
  let fromFile: unknown = {};
  if (file) {
    try {
      fromFile = parse(read(file)) ?? {};
    } catch (error) {
      throw new ShapeError(`${file}: ${(error as Error).message}`);
    }
    if (typeof fromFile !== 'object' || Array.isArray(fromFile))
      throw new ShapeError(`${file}: expected a mapping of shape fields`);
  }
  const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const parsed = ShapeSchema.safeParse({ ...(fromFile as object), ...defined });
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(shape)'}: ${issue.message}`,
    );
    throw new ShapeError(`invalid shape${file ? ` in ${file}` : ''}:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
