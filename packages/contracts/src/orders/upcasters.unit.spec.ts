import { randomUUID } from 'node:crypto';
import { CurrentOrderEventSchema } from './events';
import { upcastOrderEvent } from './upcasters';

const orderId = randomUUID();

/** Raw JSON as a consumer finds it on the wire (not typed: old and broken shapes too). */
function raw(type: string, schemaVersion: unknown, data: Record<string, unknown>) {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion,
    occurredAt: '2026-11-26T10:00:00.000Z',
    aggregateId: orderId,
    aggregateVersion: 1,
    correlationId: 'corr-1',
    causationId: null,
    headers: {},
    data,
  };
}

const placedV1 = {
  orderId,
  customerId: 'c-1',
  region: 'eu-west',
  items: [
    { sku: 'SKU-1', quantity: 2 },
    { sku: 'SKU-2', quantity: 1 },
  ],
};

describe('upcastOrderEvent', () => {
  it('given an OrderPlaced v1, when upcast, then it is a v2 with lines numbered in their v1 order and nothing else changed', () => {
    const v1 = raw('OrderPlaced', 1, placedV1);

    const result = upcastOrderEvent(v1);

    expect(result).toEqual({
      ok: true,
      event: {
        ...v1,
        schemaVersion: 2,
        data: {
          ...placedV1,
          items: [
            { lineNo: 1, sku: 'SKU-1', quantity: 2 },
            { lineNo: 2, sku: 'SKU-2', quantity: 1 },
          ],
        },
      },
    });
    expect(CurrentOrderEventSchema.safeParse(result.ok && result.event).success).toBe(true);
  });

  it('given an OrderPlaced v1, when upcast, then the input is not modified (upcasters are pure)', () => {
    const v1 = raw('OrderPlaced', 1, placedV1);
    const before = structuredClone(v1);
    upcastOrderEvent(v1);
    expect(v1).toEqual(before);
  });

  it.each([
    [
      'OrderPlaced v2',
      raw('OrderPlaced', 2, { ...placedV1, items: [{ lineNo: 7, sku: 'SKU-1', quantity: 2 }] }),
    ],
    ['OrderConfirmed v1', raw('OrderConfirmed', 1, { orderId })],
    [
      'OrderConfirmed v1 with confirmedAt',
      raw('OrderConfirmed', 1, { orderId, confirmedAt: '2026-11-26T10:05:00.000Z' }),
    ],
    ['OrderCancelled v1', raw('OrderCancelled', 1, { orderId, reason: 'out of stock' })],
  ])('given a current %s, when upcast, then it comes back as it was', (_name, event) => {
    expect(upcastOrderEvent(event)).toEqual({ ok: true, event });
  });

  it.each([
    ['a zero-width space', 'c\u200b1'],
    ['decomposed accents (not NFC)', 'Jose\u0301'],
    ['a bidi override', 'c\u202e1'],
    ['a trailing tab', 'c-1\t'],
    ['more than 64 characters', 'x'.repeat(65)],
  ])(
    'given an event accepted before the string policy, with a customer id holding %s, when upcast, then it reads as written',
    (_name, customerId) => {
      const v1 = raw('OrderPlaced', 1, { ...placedV1, customerId });
      const result = upcastOrderEvent(v1);
      expect(result.ok && result.event.data).toMatchObject({ customerId });
    },
  );

  it('given an event accepted before SKUs had to be KV keys, when upcast, then it reads as written', () => {
    const items = [{ sku: 'SKU-1.', quantity: 1 }];
    const result = upcastOrderEvent(raw('OrderPlaced', 1, { ...placedV1, items }));
    expect(result.ok && result.event.data).toMatchObject({ items: [{ ...items[0], lineNo: 1 }] });
  });

  it.each([
    ['a non-object', 'OrderPlaced', 'not an event envelope'],
    ['an array', [], 'not an event envelope'],
    ['null', null, 'not an event envelope'],
    [
      'an unknown type',
      raw('OrderShipped', 1, { orderId }),
      'unknown order event type "OrderShipped"',
    ],
    ['no type', raw('', 1, { orderId }), 'unknown order event type ""'],
    [
      'a version from newer code',
      raw('OrderPlaced', 3, placedV1),
      'unknown schemaVersion 3 for OrderPlaced (known: v1, v2); written by newer code',
    ],
    [
      'a version that never existed',
      raw('OrderCancelled', 0, { orderId, reason: 'x' }),
      'unknown schemaVersion 0 for OrderCancelled (known: v1)',
    ],
    [
      'a version that is not a number',
      raw('OrderConfirmed', '1', { orderId }),
      'unknown schemaVersion "1" for OrderConfirmed',
    ],
    [
      'a v1 payload labelled v2',
      raw('OrderPlaced', 2, placedV1),
      'invalid OrderPlaced v2: data.items.0.lineNo',
    ],
    [
      'a v2 with duplicate line numbers',
      raw('OrderPlaced', 2, {
        ...placedV1,
        items: [
          { lineNo: 1, sku: 'A', quantity: 1 },
          { lineNo: 1, sku: 'B', quantity: 1 },
        ],
      }),
      'line numbers must be unique',
    ],
    [
      'a cancellation without a reason',
      raw('OrderCancelled', 1, { orderId }),
      'invalid OrderCancelled v1: data.reason',
    ],
    [
      'a broken envelope',
      { ...raw('OrderConfirmed', 1, { orderId }), aggregateVersion: 0 },
      'invalid OrderConfirmed v1: aggregateVersion',
    ],
  ])(
    'given %s, when upcast, then it is rejected with a reason that says so',
    (_name, input, reason) => {
      const result = upcastOrderEvent(input);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.reason).toContain(reason);
    },
  );
});
