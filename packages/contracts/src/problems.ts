import { z } from 'zod';

/** A field-level validation error, as returned in RFC 9457 problem details. */
export const FieldErrorSchema = z.object({
  /** Dotted path of the invalid value, e.g. `items.0.quantity`; `(body)` for the whole body. */
  field: z.string(),
  message: z.string(),
});
export type FieldError = z.infer<typeof FieldErrorSchema>;

/**
 * RFC 9457 problem details (`application/problem+json`): the one error shape of every
 * Switchyard HTTP error. `type` is always `about:blank` (the status code says what kind
 * of problem it is; `title` is its short, stable summary); `errors` lists every invalid
 * field of a 400.
 */
export const ProblemDetailsSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int().min(400).max(599),
  detail: z.string().optional(),
  /** Field-level validation errors (an extension member). */
  errors: z.array(FieldErrorSchema).optional(),
  /**
   * The request's correlation id (an extension member), on server errors: their `detail`
   * is generic, and this id finds the logged cause.
   */
  correlationId: z.string().optional(),
});
export type ProblemDetails = z.infer<typeof ProblemDetailsSchema>;

/**
 * zod issues as `path: message` lines, for logs, dead-letter reasons and start-up errors
 * (the paths are empty for a value that is wrong as a whole).
 */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

/** Flattens zod issues into the field errors every Switchyard API returns. */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
}
