import { PlaceOrderRequestSchema } from './place-order';

const valid = { customerId: 'c-1', region: 'eu-west', items: [{ sku: 'SKU-1', quantity: 2 }] };

describe('PlaceOrderRequestSchema', () => {
  it('accepts a valid order', () => {
    expect(PlaceOrderRequestSchema.parse(valid)).toEqual(valid);
  });

  it.each([
    ['missing customer', { ...valid, customerId: undefined }, 'customerId'],
    ['empty items', { ...valid, items: [] }, 'items'],
    ['negative quantity', { ...valid, items: [{ sku: 'A', quantity: -1 }] }, 'items.0.quantity'],
    ['fractional quantity', { ...valid, items: [{ sku: 'A', quantity: 1.5 }] }, 'items.0.quantity'],
    ['unknown field', { ...valid, coupon: 'FREE' }, ''],
    ['region that would change the subject', { ...valid, region: 'eu.>' }, 'region'],
    ['region with a wildcard', { ...valid, region: '*' }, 'region'],
  ])('rejects %s', (_name, body, field) => {
    const result = PlaceOrderRequestSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.'))).toContain(field);
  });
});
