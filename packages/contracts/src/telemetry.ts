import { z } from 'zod';

/**
 * ### Telemetry: readings on `telemetry.<site>.<device>.<metric>`, at-most-once by design.
 *
 * The subject says whose reading it is (`topology().nats.subjects.telemetry`); the body
 * carries the value and a sequence number that the device counts up per metric (1, 2, 3…).
 * Nothing stores or acks a reading, so the sequence number is how a reader knows what it
 * missed: a jump from 7 to 12 is 4 readings lost.
 */
export const TelemetryReadingSchema = z.object({
  seq: z.number().int().min(1),
  value: z.number(),
});
export type TelemetryReading = z.infer<typeof TelemetryReadingSchema>;

/** An aggregator's published health figure, on `telemetry-loss.<aggregator>`. */
export const TelemetryLossReportSchema = z.object({
  aggregator: z.string().min(1),
  /** The wildcard it listens on. */
  subject: z.string().min(1),
  received: z.number().int().min(0),
  /** Readings never received: the sum of the gaps in every series' sequence numbers. */
  lost: z.number().int().min(0),
  /** Messages on its subjects that were not a reading (counted, not used). */
  invalid: z.number().int().min(0),
});
export type TelemetryLossReport = z.infer<typeof TelemetryLossReportSchema>;
