import { planReservation } from './reservation-plan';

describe('planReservation', () => {
  it('given repeated and unsorted lines, when planned, then each SKU appears once, summed, in SKU order', () => {
    expect(
      planReservation([
        { sku: 'SKU-2', quantity: 1 },
        { sku: 'SKU-1', quantity: 2 },
        { sku: 'SKU-2', quantity: 3 },
      ]),
    ).toEqual([
      { sku: 'SKU-1', quantity: 2 },
      { sku: 'SKU-2', quantity: 4 },
    ]);
  });
});
