import { GetOrderReplySchema } from './get-order';

describe('GetOrderReplySchema', () => {
  it('accepts the read model as the projector sends it: placedAt as Postgres writes a timestamptz to JSON', () => {
    // `to_json(placed_at)` in the session's UTC zone: microseconds and a `+00:00` offset,
    // not the `Z` the event carried. The gateway validates every reply with this schema.
    const reply = {
      found: true,
      order: {
        orderId: '6f1c3a7e-54a5-4c53-9a4e-0c8a1b2d3e4f',
        customerId: 'c-1',
        region: 'eu-west',
        items: [{ sku: 'SKU-1', quantity: 2 }],
        status: 'CONFIRMED',
        placedAt: '2026-12-02T07:01:59.970752+00:00',
        version: 2,
      },
    };
    expect(GetOrderReplySchema.safeParse(reply).error?.issues).toBeUndefined();
  });
});
