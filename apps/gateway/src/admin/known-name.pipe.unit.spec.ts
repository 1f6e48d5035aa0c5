import { NotFoundException } from '@nestjs/common';
import { CONTROLLED_SERVICES, PROJECTIONS } from '@switchyard/contracts';
import { KnownNamePipe } from './known-name.pipe';

function rejection(run: () => unknown): unknown {
  try {
    run();
  } catch (caught) {
    return caught;
  }
  throw new Error('expected the pipe to throw');
}

describe('KnownNamePipe', () => {
  it.each([
    ['projection', PROJECTIONS, 'orders', 'invoices'],
    ['service', CONTROLLED_SERVICES, 'payments', 'billing'],
  ] as const)(
    'given the %s names, when a known one comes, then it passes through; an unknown one is a 404 problem, not a 400',
    (kind, known, good, bad) => {
      const pipe = new KnownNamePipe<string>(kind, known);

      expect(pipe.transform(good)).toBe(good);
      const error = rejection(() => pipe.transform(bad));
      expect(error).toBeInstanceOf(NotFoundException);
      expect((error as NotFoundException).getResponse()).toMatchObject({
        status: 404,
        title: `Unknown ${kind}`,
        detail: expect.stringContaining(`known: ${known.join(', ')}`),
      });
    },
  );

  it('given a value that is not a string, when validated, then it is a 404', () => {
    expect(
      rejection(() => new KnownNamePipe('projection', PROJECTIONS).transform(42)),
    ).toBeInstanceOf(NotFoundException);
  });
});
