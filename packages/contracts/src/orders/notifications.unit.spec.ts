import { topology } from '../topology';
import {
  OrderNotificationEventSchema,
  OrderNotificationSchema,
  toOrderNotification,
} from './notifications';
import type { OrderEvent } from './events';

const orderId = '5b0f7c4e-7f3a-4c39-9a51-2f1c3e9b8a10';
const metadata = {
  eventId: '0d5c1a1e-2b3c-4d5e-8f90-a1b2c3d4e5f6',
  occurredAt: '2026-11-26T10:00:00.000Z',
  aggregateId: orderId,
  correlationId: 'c-1',
  causationId: null,
  headers: {},
};

describe('order notifications', () => {
  it('given every event, when named, then the subject is notify.orders.<region>.<event>', () => {
    const subjects = topology('t1').nats.subjects;
    expect(subjects.orderNotification('eu-west', 'cancelled')).toBe(
      't1.notify.orders.eu-west.cancelled',
    );
    expect(subjects.orderNotification('eu-west', 'placed')).toBe(
      subjects.orderPlacedNotification('eu-west'),
    );
    expect(subjects.allOrderNotifications).toBe('t1.notify.orders.>');
    expect(subjects.regionOrderNotifications('us-east')).toBe('t1.notify.orders.us-east.*');
    expect(subjects.allRebuildProgress).toBe('t1.projections.*.rebuild.progress');
  });

  it('keeps every notification subject out of every stream: JetStream must not capture them', () => {
    const names = topology();
    for (const event of OrderNotificationEventSchema.options) {
      const notification = names.nats.subjects.orderNotification('eu-west', event);
      for (const stream of Object.values(names.nats.streams)) {
        for (const subject of stream.subjects) {
          expect(notification.startsWith(subject.replace(/>$/, ''))).toBe(false);
          expect(notification).not.toBe(subject);
        }
      }
    }
  });

  it('given a stored OrderCancelled, when turned into a notification, then it carries status and reason', () => {
    const cancelled = {
      ...metadata,
      type: 'OrderCancelled',
      schemaVersion: 1,
      aggregateVersion: 2,
      data: { orderId, reason: 'payment declined' },
    } as OrderEvent;
    const notification = toOrderNotification(cancelled, 'eu-west');
    expect(notification).toEqual({
      event: 'cancelled',
      orderId,
      region: 'eu-west',
      status: 'CANCELLED',
      eventId: metadata.eventId,
      version: 2,
      occurredAt: metadata.occurredAt,
      reason: 'payment declined',
    });
    expect(OrderNotificationSchema.parse(notification)).toEqual(notification);
  });

  it('given a stored OrderPlaced, when turned into a notification, then it has no reason', () => {
    const placed = {
      ...metadata,
      type: 'OrderPlaced',
      schemaVersion: 2,
      aggregateVersion: 1,
      data: { orderId, customerId: 'c', region: 'eu-west', items: [] },
    } as unknown as OrderEvent;
    const notification = toOrderNotification(placed, 'eu-west');
    expect(notification).toMatchObject({ event: 'placed', status: 'PLACED', version: 1 });
    expect(notification).not.toHaveProperty('reason');
  });

  it('refuses a region that is not one subject token', () => {
    const bad = {
      ...toOrderNotification(
        {
          ...metadata,
          type: 'OrderConfirmed',
          schemaVersion: 1,
          aggregateVersion: 2,
          data: { orderId },
        },
        'eu-west',
      ),
      region: 'eu.>',
    };
    expect(OrderNotificationSchema.safeParse(bad).success).toBe(false);
  });
});
