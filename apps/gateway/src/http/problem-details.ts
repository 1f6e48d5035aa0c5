import type { FieldError } from '@switchyard/contracts';

/** RFC 9457 problem details: the one error shape every Switchyard HTTP error uses. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** Field-level validation errors (an extension member). */
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problem(
  status: number,
  title: string,
  extra: Partial<ProblemDetails> = {},
): ProblemDetails {
  return { type: 'about:blank', title, status, ...extra };
}
