import { NotFoundException, type PipeTransform } from '@nestjs/common';
import {
  CONTROLLED_SERVICES,
  ControlledServiceSchema,
  type ControlledService,
} from '@switchyard/contracts';
import { problem } from '../http/problem-details';

/** `:service` must be one whose consumers can be controlled; anything else is a 404. */
export class KnownServicePipe implements PipeTransform<unknown, ControlledService> {
  transform(value: unknown): ControlledService {
    const result = ControlledServiceSchema.safeParse(value);
    if (result.success) return result.data;
    throw new NotFoundException(
      problem(404, 'Unknown service', {
        detail: `There is no service ${JSON.stringify(value)} with consumers; known: ${CONTROLLED_SERVICES.join(', ')}.`,
      }),
    );
  }
}
