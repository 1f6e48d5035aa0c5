import { randomUUID } from 'node:crypto';
import { upcastOrderEvent, type PlaceOrderCommand } from '@switchyard/contracts';
import { decidePlaceOrder } from './place-order.decider';

describe('decidePlaceOrder', () => {
  it('given a valid command, when decided, then one OrderPlaced v2 carries the order with numbered lines, caused by the command', () => {
    const command: PlaceOrderCommand = {
      commandId: randomUUID(),
      customerId: 'c-1',
      region: 'eu-west',
      items: [
        { sku: 'SKU-1', quantity: 3 },
        { sku: 'SKU-2', quantity: 1 },
      ],
    };
    const context = {
      orderId: randomUUID(),
      eventId: randomUUID(),
      now: new Date('2026-11-26T10:00:00Z'),
      correlationId: 'corr-1',
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    };

    const event = decidePlaceOrder(command, context);

    expect(event).toEqual({
      eventId: context.eventId,
      type: 'OrderPlaced',
      schemaVersion: 2,
      occurredAt: '2026-11-26T10:00:00.000Z',
      aggregateId: context.orderId,
      aggregateVersion: 1,
      correlationId: 'corr-1',
      causationId: command.commandId,
      headers: context.headers,
      data: {
        orderId: context.orderId,
        customerId: 'c-1',
        region: 'eu-west',
        items: [
          { lineNo: 1, sku: 'SKU-1', quantity: 3 },
          { lineNo: 2, sku: 'SKU-2', quantity: 1 },
        ],
      },
    });
    expect(event.data.items[0]).not.toBe(command.items[0]);
    // Already the current version: it reads back unchanged through the contracts.
    expect(upcastOrderEvent(JSON.parse(JSON.stringify(event)))).toEqual({ ok: true, event });
  });
});
