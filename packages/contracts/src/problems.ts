import type { z } from 'zod';

/** A field-level validation error, as returned in RFC 9457 problem details. */
export interface FieldError {
  /** JSON-pointer-like path, e.g. `items.0.quantity`. */
  field: string;
  message: string;
}

/** Flattens zod issues into the field errors every Switchyard API returns. */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
}
