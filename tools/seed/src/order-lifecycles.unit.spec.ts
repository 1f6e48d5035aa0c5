import { upcastOrderEvent, type OrderEvent } from '@switchyard/contracts';
import { checkCounts, generateOrderEvents, type GeneratorOptions } from './order-lifecycles';

const options = (overrides: Partial<GeneratorOptions> = {}): GeneratorOptions => ({
  events: 3_000,
  orders: 1_500,
  v1Share: 0.2,
  seed: 42,
  start: new Date('2026-11-26T10:00:00.000Z'),
  ...overrides,
});

function byOrder(events: OrderEvent[]): Map<string, OrderEvent[]> {
  const orders = new Map<string, OrderEvent[]>();
  for (const event of events) {
    orders.set(event.aggregateId, [...(orders.get(event.aggregateId) ?? []), event]);
  }
  return orders;
}

describe('generateOrderEvents', () => {
  it.each([
    [3_000, 1_500],
    [2_500, 2_500],
    [3_003, 1_001],
    [7, 3],
    [1, 1],
  ])(
    'given %i events over %i orders, when generated, then exactly that many come out',
    (events, orders) => {
      const generated = [...generateOrderEvents(options({ events, orders }))];
      expect(generated).toHaveLength(events);
      expect(byOrder(generated).size).toBe(orders);
    },
  );

  it('given a seed, when generated, then every event is valid and reads through the contracts upcaster', () => {
    const rejected = [...generateOrderEvents(options())]
      .map((event) => upcastOrderEvent(JSON.parse(JSON.stringify(event))))
      .filter((result) => !result.ok);
    expect(rejected).toEqual([]);
  });

  it('given a seed, when generated, then each order starts with OrderPlaced and its versions run 1..n, each caused by the one before', () => {
    for (const events of byOrder([...generateOrderEvents(options())]).values()) {
      expect(events[0]!.type).toBe('OrderPlaced');
      expect(events.map((event) => event.aggregateVersion)).toEqual(
        events.map((_, index) => index + 1),
      );
      for (let index = 1; index < events.length; index += 1) {
        expect(events[index]!.causationId).toBe(events[index - 1]!.eventId);
        expect(events[index]!.correlationId).toBe(events[0]!.correlationId);
      }
    }
  });

  it('given two events per order on average, when generated, then lifecycles vary: placed only, confirmed, cancelled, confirmed then cancelled', () => {
    const shapes = new Set(
      [...byOrder([...generateOrderEvents(options())]).values()].map((events) =>
        events.map((event) => event.type).join('>'),
      ),
    );
    expect([...shapes].sort()).toEqual([
      'OrderPlaced',
      'OrderPlaced>OrderCancelled',
      'OrderPlaced>OrderConfirmed',
      'OrderPlaced>OrderConfirmed>OrderCancelled',
    ]);
  });

  it.each([
    [0, 0, 0],
    [1, 1, 1],
    [0.2, 0.15, 0.25],
  ])(
    'given --v1-share %d, when generated, then that share of OrderPlaced is v1',
    (v1Share, low, high) => {
      const placed = [...generateOrderEvents(options({ v1Share }))].filter(
        (event) => event.type === 'OrderPlaced',
      );
      const share = placed.filter((event) => event.schemaVersion === 1).length / placed.length;
      expect(share).toBeGreaterThanOrEqual(low);
      expect(share).toBeLessThanOrEqual(high);
    },
  );

  it('given the same seed and start, when generated twice, then the events are identical; another seed gives others', () => {
    const first = [...generateOrderEvents(options({ events: 500, orders: 250 }))];
    expect([...generateOrderEvents(options({ events: 500, orders: 250 }))]).toEqual(first);
    const other = [...generateOrderEvents(options({ events: 500, orders: 250, seed: 43 }))];
    expect(other[0]!.aggregateId).not.toBe(first[0]!.aggregateId);
  });

  it('given many orders, when generated, then all ids are distinct', () => {
    const events = [...generateOrderEvents(options({ events: 20_000, orders: 10_000 }))];
    expect(new Set(events.map((event) => event.eventId)).size).toBe(events.length);
    expect(byOrder(events).size).toBe(10_000);
  });
});

describe('checkCounts', () => {
  it.each([
    [10, 11, '--orders (11) cannot exceed --events (10)'],
    [31, 10, 'an order has at most 3 events'],
  ])('given %i events over %i orders, then it says why not', (events, orders, reason) => {
    expect(checkCounts({ events, orders })).toContain(reason);
  });

  it('given counts within bounds, then there is no problem', () => {
    expect(checkCounts({ events: 30, orders: 10 })).toBeUndefined();
  });
});
