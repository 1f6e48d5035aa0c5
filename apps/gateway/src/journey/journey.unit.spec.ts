import { MessageHeaders, type ProjectedEvent } from '@switchyard/contracts';
import { assembleJourney, type JourneyFacts, type StoredEvent } from './journey';

const orderId = '6f1c1d3e-3b52-4c8e-9a55-0d7f2f0a1b11';
const placedId = '0c6a8a43-1d36-4c0b-8a6e-5f1f5f3f2a01';
const paymentId = '0c6a8a43-1d36-4c0b-8a6e-5f1f5f3f2a02';
const confirmedId = '0c6a8a43-1d36-4c0b-8a6e-5f1f5f3f2a03';
const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';

/** A stored event at `storedAt` ms past 12:00:00.000, `occurredAt` 1 ms earlier. */
function stored(
  type: string,
  eventId: string,
  seq: number,
  storedAt: number,
  extra: Partial<StoredEvent['envelope']> = {},
): StoredEvent {
  return {
    stream: type.startsWith('Payment') ? 'PAYMENT_EVENTS' : 'ORDERS',
    subject: `orders.events.${orderId}`,
    seq,
    storedAt: at(storedAt),
    envelope: {
      eventId,
      type,
      occurredAt: at(storedAt - 1),
      correlationId: 'req-1',
      causationId: null,
      headers: {},
      ...extra,
    },
  };
}

const at = (ms: number) => new Date(Date.UTC(2026, 11, 3, 12, 0, 0, ms)).toISOString();

function projected(type: string, eventId: string, offset: number, forwardedAt: number | null) {
  return {
    eventId,
    type,
    topic: 'switchyard.orders.events',
    partition: 2,
    offset: String(offset),
    forwardedAt: forwardedAt === null ? null : at(forwardedAt),
    projectedAt: at((forwardedAt ?? 0) + 20),
  } satisfies ProjectedEvent;
}

/** A confirmed order's facts: placed at 10 ms, stock at 40, payment at 60, confirmed at 70. */
function confirmedOrder(): JourneyFacts {
  return {
    orderId,
    placeOrderSubject: 'orders.cmd.place',
    orderEvents: [
      stored('OrderPlaced', placedId, 7, 10, {
        headers: {
          [MessageHeaders.requestedAt]: at(2),
          [MessageHeaders.traceparent]: `00-${traceId}-00f067aa0ba902b7-01`,
        },
      }),
      stored('OrderConfirmed', confirmedId, 9, 70, { causationId: paymentId }),
    ],
    reservation: {
      bucket: 'INVENTORY',
      key: `reservation.${orderId}`,
      revision: 31,
      writtenAt: at(40),
    },
    payment: stored('PaymentSucceeded', paymentId, 4, 60, { causationId: 'a-request' }),
    projected: [
      projected('OrderPlaced', placedId, 100, 15),
      projected('OrderConfirmed', confirmedId, 101, 75),
    ],
    readModel: 'switchyard.orders',
  };
}

describe('assembleJourney', () => {
  it('given a confirmed order, when assembled, then every hop is there, in time order, each timed from its cause', () => {
    const journey = assembleJourney(confirmedOrder());

    expect(journey.hops.map(({ id, after, durationMs }) => [id, after, durationMs])).toEqual([
      ['http', null, 0],
      ['request-reply', 'http', 7],
      ['jetstream:OrderPlaced', 'request-reply', 1],
      ['kafka:OrderPlaced', 'jetstream:OrderPlaced', 5],
      ['projection:OrderPlaced', 'kafka:OrderPlaced', 20],
      ['saga:stock', 'jetstream:OrderPlaced', 30],
      ['saga:payment', 'saga:stock', 20],
      ['jetstream:OrderConfirmed', 'saga:payment', 10],
      ['kafka:OrderConfirmed', 'jetstream:OrderConfirmed', 5],
      ['projection:OrderConfirmed', 'kafka:OrderConfirmed', 20],
    ]);
  });

  it('given the positions the system kept, when assembled, then each hop says where it is recorded', () => {
    const hops = new Map(assembleJourney(confirmedOrder()).hops.map((hop) => [hop.id, hop]));

    expect(hops.get('jetstream:OrderPlaced')?.details).toEqual({
      stream: 'ORDERS',
      subject: `orders.events.${orderId}`,
      seq: 7,
    });
    expect(hops.get('kafka:OrderConfirmed')?.details).toEqual({
      topic: 'switchyard.orders.events',
      partition: 2,
      offset: '101',
    });
    expect(hops.get('projection:OrderPlaced')?.details).toMatchObject({
      table: 'switchyard.orders',
      offset: '100',
    });
    expect(hops.get('saga:stock')?.details).toEqual({
      bucket: 'INVENTORY',
      key: `reservation.${orderId}`,
      revision: 31,
    });
  });

  it('given a Jaeger UI, when assembled, then the trace of the placing request links there; without one, only its id', () => {
    const facts = confirmedOrder();

    expect(assembleJourney({ ...facts, jaegerUiUrl: 'http://jaeger:16686/' })).toMatchObject({
      traceId,
      traceUrl: `http://jaeger:16686/trace/${traceId}`,
    });
    expect(assembleJourney(facts)).toMatchObject({ traceId, traceUrl: null });
  });

  it('given an order not projected yet and a record forwarded before the bridge stamped it, when assembled, then the missing hops are absent, not invented', () => {
    const facts = confirmedOrder();
    facts.projected = [projected('OrderPlaced', placedId, 100, null)];
    facts.orderEvents[0]!.envelope.headers = {};

    const ids = assembleJourney(facts).hops.map(({ id }) => id);

    expect(ids).not.toContain('http');
    expect(ids).not.toContain('kafka:OrderPlaced');
    expect(ids).not.toContain('projection:OrderConfirmed');
    expect(
      assembleJourney(facts).hops.find(({ id }) => id === 'projection:OrderPlaced'),
    ).toMatchObject({
      after: 'jetstream:OrderPlaced',
    });
    expect(assembleJourney(facts).hops[0]).toMatchObject({
      id: 'request-reply',
      after: null,
      durationMs: 0,
    });
  });
});
