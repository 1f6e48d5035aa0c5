import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { toFieldErrors } from '@switchyard/contracts';
import type { z } from 'zod';
import { problem } from './problem-details';

/** Validates a request part against a contracts schema; 400 with every field error. */
export class ZodValidationPipe<TSchema extends z.ZodType> implements PipeTransform<
  unknown,
  z.infer<TSchema>
> {
  constructor(
    private readonly schema: TSchema,
    private readonly title = 'Invalid request',
  ) {}

  transform(value: unknown): z.infer<TSchema> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    throw new BadRequestException(
      problem(400, this.title, {
        detail: 'See `errors` for each invalid field.',
        errors: toFieldErrors(result.error),
      }),
    );
  }
}
