import { catalog, topology } from '@switchyard/contracts';
import { KafkaConsumerHost, kafkaGroupOf, type EventFolds } from './kafka-consumer-host';

const CATALOG = catalog(topology('t1'));
const { projectorOrders, rebuilderOrders, ordersSaga } = CATALOG.subscriptions;

/** Counts events: enough to type the map; what a fold does is the read model's business. */
const count = (n: number) => n + 1;
const folds: EventFolds<typeof projectorOrders, number> = {
  OrderPlaced: count,
  OrderConfirmed: count,
  OrderCancelled: count,
  OrderRejected: count,
};
const settings = { lifetime: 'service' as const, fromBeginning: true, handle: async () => {} };

/** The checks run before the host touches Kafka: no client is needed to see them refuse. */
const hostOf = (app: 'projector' | 'rebuilder') =>
  new KafkaConsumerHost(undefined as never, app, undefined as never);

describe('KafkaConsumerHost', () => {
  it('refuses a subscription the catalog gives another app', () => {
    expect(() => hostOf('projector').consume(rebuilderOrders, { ...settings, folds })).toThrow(
      /the catalog routes this subscription to rebuilder, not projector/,
    );
  });

  it('refuses a JetStream subscription', () => {
    const host = new KafkaConsumerHost(undefined as never, 'orders', undefined as never);
    expect(() =>
      host.consume(ordersSaga, {
        ...settings,
        folds: { OrderPlaced: count },
      }),
    ).toThrow(/not a Kafka subscription: jetstream/);
  });

  it('refuses folds that are not the routed events, even past the type checker', () => {
    const three = { OrderPlaced: count, OrderConfirmed: count, OrderCancelled: count };
    expect(() =>
      hostOf('projector').consume(projectorOrders, {
        ...settings,
        folds: three as unknown as typeof folds,
      }),
    ).toThrow(/are not the events the catalog routes here/);
  });

  it('types the folds from the catalog: an unrouted or missing event does not compile', () => {
    // @ts-expect-error OrderRejected is routed to the projector and has no fold
    const missing: EventFolds<typeof projectorOrders, number> = {
      OrderPlaced: count,
      OrderConfirmed: count,
      OrderCancelled: count,
    };
    const stray: EventFolds<typeof projectorOrders, number> = {
      ...folds,
      // @ts-expect-error PaymentDeclined does not travel on the projector's channel
      PaymentDeclined: count,
    };
    const wrong: EventFolds<typeof projectorOrders, number> = {
      ...folds,
      // @ts-expect-error a fold gets the event of its own type: only OrderPlaced has data.items
      OrderConfirmed: (n: number, event: { data: { items: unknown[] } }) =>
        n + event.data.items.length,
    };
    expect([missing, stray, wrong]).toHaveLength(3);
  });

  it('fills the group id from the catalog, a rebuild run’s {runId} included', () => {
    const names = topology('t1');
    expect(kafkaGroupOf(projectorOrders)).toBe(names.kafka.groups.projector);
    expect(kafkaGroupOf(rebuilderOrders, { runId: 'r-1' })).toBe(
      names.kafka.groups.rebuilder('r-1'),
    );
    expect(() => kafkaGroupOf(rebuilderOrders)).toThrow(/no value for \{runId\}/);
  });
});
