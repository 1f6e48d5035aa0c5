import { NotFoundException, type PipeTransform } from '@nestjs/common';
import { PROJECTIONS, ProjectionNameSchema, type ProjectionName } from '@switchyard/contracts';
import { problem } from '../http/problem-details';

/**
 * `:name` must be a projection the contracts know. An unknown one is a resource that
 * does not exist (404), not a malformed request (400).
 */
export class KnownProjectionPipe implements PipeTransform<unknown, ProjectionName> {
  transform(value: unknown): ProjectionName {
    const result = ProjectionNameSchema.safeParse(value);
    if (result.success) return result.data;
    throw new NotFoundException(
      problem(404, 'Unknown projection', {
        detail: `There is no projection ${JSON.stringify(value)}; known: ${PROJECTIONS.join(', ')}.`,
      }),
    );
  }
}
