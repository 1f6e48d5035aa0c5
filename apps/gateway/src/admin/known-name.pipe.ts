import { NotFoundException, type PipeTransform } from '@nestjs/common';
import { problem } from '../http/problem-details';

/**
 * A path parameter that must name one of a closed set the contracts declare (the
 * projections, the services with consumers). An unknown name is a resource that does not
 * exist (404 problem+json), not a malformed request (400).
 */
export class KnownNamePipe<TName extends string> implements PipeTransform<unknown, TName> {
  constructor(
    /** What the names are, for the problem's title and detail: `projection`, `service`. */
    private readonly kind: string,
    private readonly known: readonly TName[],
  ) {}

  transform(value: unknown): TName {
    const name = this.known.find((candidate) => candidate === value);
    if (name !== undefined) return name;
    throw new NotFoundException(
      problem(404, `Unknown ${this.kind}`, {
        detail: `There is no ${this.kind} ${JSON.stringify(value)}; known: ${this.known.join(', ')}.`,
      }),
    );
  }
}
