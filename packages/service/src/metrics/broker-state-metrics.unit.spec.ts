import type { ConsumerInfo } from '@nats-io/jetstream';
import { Registry } from 'prom-client';
import { OwnedConsumers } from '../consumers/owned-consumers';
import { BrokerStateMetrics } from './broker-state-metrics';

function ownedWith(info: () => Promise<Partial<ConsumerInfo>>, lagCalls: { count: number }) {
  const owned = new OwnedConsumers();
  owned.addJetStream({
    jsm: { consumers: { info: info as () => Promise<ConsumerInfo> } },
    stream: 'PAYMENTS',
    durable: 'PAYMENTS_WORKER',
  });
  owned.addKafka({
    groupId: 'projector',
    topic: 'orders.events',
    membership: () => 'member',
    lag: async () => {
      lagCalls.count += 1;
      return [
        { partition: 0, committedOffset: 4, endOffset: 10, lag: 6 },
        { partition: 1, committedOffset: null, endOffset: 2, lag: 2 },
      ];
    },
  });
  return owned;
}

describe('BrokerStateMetrics (asked at scrape time)', () => {
  it('reports pending, ack-pending and lag per partition, asking each broker once per scrape', async () => {
    // Given a durable with a backlog and a group behind on two partitions
    const registry = new Registry();
    let infoCalls = 0;
    const lagCalls = { count: 0 };
    const owned = ownedWith(async () => {
      infoCalls += 1;
      return {
        num_pending: 7,
        num_ack_pending: 2,
        num_redelivered: 1,
        delivered: { consumer_seq: 3, stream_seq: 3 },
      } as Partial<ConsumerInfo>;
    }, lagCalls);
    new BrokerStateMetrics(registry, owned);

    // When Prometheus scrapes
    const text = await registry.metrics();

    // Then
    expect(text).toContain(
      'switchyard_jetstream_consumer_pending_messages{stream="PAYMENTS",consumer="PAYMENTS_WORKER"} 7',
    );
    expect(text).toContain(
      'switchyard_jetstream_consumer_ack_pending_messages{stream="PAYMENTS",consumer="PAYMENTS_WORKER"} 2',
    );
    expect(text).toContain(
      'switchyard_kafka_consumer_lag_messages{group="projector",topic="orders.events",partition="0"} 6',
    );
    expect(text).toContain(
      'switchyard_kafka_consumer_lag_messages{group="projector",topic="orders.events",partition="1"} 2',
    );
    // A group without a commit on a partition has no committed-offset sample there
    expect(text).not.toContain(
      'switchyard_kafka_consumer_group_committed_offset{group="projector",topic="orders.events",partition="1"}',
    );
    expect(infoCalls).toBe(1);
    expect(lagCalls.count).toBe(1);
  });

  it('leaves out the series of a broker that fails, and counts the failure', async () => {
    const registry = new Registry();
    const owned = ownedWith(
      async () => {
        throw new Error('TIMEOUT');
      },
      { count: 0 },
    );
    new BrokerStateMetrics(registry, owned);

    const text = await registry.metrics();

    expect(text).not.toContain('switchyard_jetstream_consumer_pending_messages{');
    expect(text).toContain('switchyard_broker_state_errors_total{transport="jetstream"} 1');
    expect(text).toContain('switchyard_kafka_consumer_lag_messages{group="projector"');
  });
});
