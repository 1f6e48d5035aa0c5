import { PublicOrderNotificationSchema, type OrderNotification } from '@switchyard/contracts';
import { orderRef, publicView } from './public-view';

describe('publicView: an order notification as the public feed shows it', () => {
  const cancelled: OrderNotification = {
    event: 'cancelled',
    orderId: '3f0c1a52-8a5e-4a57-9d44-0d6b1a2f9c11',
    region: 'eu-west',
    status: 'CANCELLED',
    eventId: '5b1d7b0e-2f53-4c55-a8a8-5d7f2c1e9b00',
    version: 3,
    occurredAt: '2026-12-02T12:00:00.000Z',
    reason: 'payment declined: card declined (test card)',
  };

  it('given a cancelled order, then it shows what, where and when, and neither the order nor the reason', () => {
    const shown = publicView(cancelled);
    expect(shown).toEqual({
      event: 'cancelled',
      orderRef: orderRef(cancelled.orderId),
      region: 'eu-west',
      status: 'CANCELLED',
      version: 3,
      occurredAt: '2026-12-02T12:00:00.000Z',
    });
    expect(JSON.stringify(shown)).not.toContain(cancelled.orderId);
    expect(PublicOrderNotificationSchema.parse(shown)).toEqual(shown);
  });

  it('gives every event of one order the same reference, and other orders another', () => {
    expect(orderRef(cancelled.orderId)).toBe(orderRef(cancelled.orderId));
    expect(orderRef(cancelled.orderId)).toMatch(/^[0-9a-f]{12}$/);
    expect(orderRef('0c5d2b8e-6f1a-4b3c-9d2e-7f8a9b0c1d2e')).not.toBe(orderRef(cancelled.orderId));
  });
});
