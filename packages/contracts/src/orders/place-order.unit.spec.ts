import { PlaceOrderCommandSchema, PlaceOrderRequestSchema } from './place-order';

const valid = { customerId: 'c-1', region: 'eu-west', items: [{ sku: 'SKU-1', quantity: 2 }] };

describe('PlaceOrderRequestSchema', () => {
  it('accepts a valid order', () => {
    expect(PlaceOrderRequestSchema.parse(valid)).toEqual(valid);
  });

  it('accepts SKUs with single dots between tokens', () => {
    const items = [{ sku: 'ACME.SKU-1.v2_b', quantity: 1 }];
    expect(PlaceOrderRequestSchema.parse({ ...valid, items }).items).toEqual(items);
  });

  it('stores the customer id trimmed and in NFC (the string policy, displayableText)', () => {
    expect(PlaceOrderRequestSchema.parse({ ...valid, customerId: ' Jose\u0301 ' })).toEqual({
      ...valid,
      customerId: 'Jos\u00e9',
    });
  });

  it('the command schema the orders service parses applies the same policy', () => {
    const command = { ...valid, commandId: '5b0f7c4e-7f3a-4c39-9a51-2f1c3e9b8a10' };
    expect(PlaceOrderCommandSchema.safeParse({ ...command, customerId: 'c\u0000' }).success).toBe(
      false,
    );
    expect(PlaceOrderCommandSchema.parse({ ...command, customerId: 'Jose\u0301' }).customerId).toBe(
      'Jos\u00e9',
    );
  });

  it.each([
    ['missing customer', { ...valid, customerId: undefined }, 'customerId'],
    ['empty items', { ...valid, items: [] }, 'items'],
    ['negative quantity', { ...valid, items: [{ sku: 'A', quantity: -1 }] }, 'items.0.quantity'],
    ['fractional quantity', { ...valid, items: [{ sku: 'A', quantity: 1.5 }] }, 'items.0.quantity'],
    ['unknown field', { ...valid, coupon: 'FREE' }, ''],
    ['region that would change the subject', { ...valid, region: 'eu.>' }, 'region'],
    ['region with a wildcard', { ...valid, region: '*' }, 'region'],
    [
      'customer with a NUL (Postgres cannot store it)',
      { ...valid, customerId: 'c\u00001' },
      'customerId',
    ],
    ['customer with a bidi override', { ...valid, customerId: 'c\u202e1' }, 'customerId'],
    ['customer with a zero-width space', { ...valid, customerId: 'c\u200b1' }, 'customerId'],
    ['customer with a lone surrogate', { ...valid, customerId: 'c\ud800' }, 'customerId'],
    ['customer of 65 characters', { ...valid, customerId: 'x'.repeat(65) }, 'customerId'],
    ['sku with a NUL', { ...valid, items: [{ sku: 'A\u0000', quantity: 1 }] }, 'items.0.sku'],
    [
      'sku ending in "." (no KV key)',
      { ...valid, items: [{ sku: 'A.', quantity: 1 }] },
      'items.0.sku',
    ],
    ['sku starting with "."', { ...valid, items: [{ sku: '.A', quantity: 1 }] }, 'items.0.sku'],
    ['sku with ".."', { ...valid, items: [{ sku: 'A..B', quantity: 1 }] }, 'items.0.sku'],
    ['sku "."', { ...valid, items: [{ sku: '.', quantity: 1 }] }, 'items.0.sku'],
  ])('rejects %s', (_name, body, field) => {
    const result = PlaceOrderRequestSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.'))).toContain(field);
  });
});
