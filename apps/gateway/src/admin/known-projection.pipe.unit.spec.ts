import { NotFoundException } from '@nestjs/common';
import { KnownProjectionPipe } from './known-projection.pipe';

describe('KnownProjectionPipe', () => {
  const pipe = new KnownProjectionPipe();

  it('given a projection the contracts know, when validated, then it passes through', () => {
    expect(pipe.transform('orders')).toBe('orders');
  });

  it('given an unknown name, when validated, then it is a 404 problem, not a 400', () => {
    let error: unknown;
    try {
      pipe.transform('invoices');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NotFoundException);
    expect((error as NotFoundException).getResponse()).toMatchObject({
      status: 404,
      title: 'Unknown projection',
    });
  });
});
