import type { ProblemDetails } from '@switchyard/contracts';

/** RFC 9457 problem details: the one error shape (`ProblemDetailsSchema` in the contracts). */
export type { ProblemDetails };

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problem(
  status: number,
  title: string,
  extra: Partial<ProblemDetails> = {},
): ProblemDetails {
  return { type: 'about:blank', title, status, ...extra };
}
