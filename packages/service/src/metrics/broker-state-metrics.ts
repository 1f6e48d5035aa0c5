import { Injectable, Logger } from '@nestjs/common';
import {
  jetStreamConsumerState,
  type JetStreamConsumerState,
  type PartitionLag,
} from '@switchyard/messaging';
import { Counter, Gauge, type Registry } from 'prom-client';
import { OwnedConsumers } from '../consumers/owned-consumers';
import { METRIC_PREFIX } from './metrics-registry';
import { sharedWhileInFlight, within } from './scrape-helpers';

/** A scrape must answer even when a broker does not: each question gets this long. */
const QUESTION_TIMEOUT_MS = 2_000;

type Transport = 'jetstream' | 'kafka';

/**
 * ### Broker-side state, asked for at scrape time.
 *
 * Pending messages and consumer lag are the brokers' numbers, not the process's: work
 * published while no instance ran is pending too, and only the server knows it. So these
 * gauges are filled by asking the brokers when Prometheus scrapes (`collect`), for the
 * consumers this service owns (`OwnedConsumers`). Nothing is cached between scrapes: a
 * scrape costs one consumer-info request per durable and two admin requests per group.
 *
 * A broker that does not answer leaves its series out of that scrape (Prometheus marks
 * them stale) and counts `switchyard_broker_state_errors_total`: an old number shown as
 * current would be worse than a gap.
 */
@Injectable()
export class BrokerStateMetrics {
  private readonly logger = new Logger('Metrics');

  constructor(registry: Registry, owned: OwnedConsumers) {
    const registers = [registry];
    const errors = new Counter({
      name: `${METRIC_PREFIX}broker_state_errors_total`,
      help: 'State questions to a broker (JetStream consumer info, Kafka offsets) that failed or timed out during a scrape.',
      labelNames: ['transport'],
      registers,
      // Waits for this scrape's questions, so their failures are in this scrape's count.
      collect: async () => {
        await Promise.all([jetStreamStates(), kafkaLags()]);
      },
    });
    for (const transport of ['jetstream', 'kafka'] as const) errors.inc({ transport }, 0);
    const ask = async <T>(transport: Transport, question: Promise<T>): Promise<T | undefined> => {
      try {
        return await within(question, QUESTION_TIMEOUT_MS);
      } catch (error) {
        errors.inc({ transport });
        this.logger.warn({ msg: 'broker state not collected', transport, err: String(error) });
        return undefined;
      }
    };

    // Prometheus asks for every gauge of a scrape at once: the gauges of one consumer share
    // one question to the broker (in flight at most once), and each fills itself from it.
    const jetStreamStates = sharedWhileInFlight(() =>
      Promise.all(
        owned.jetStream().map(async ({ jsm, stream, durable }) => ({
          labels: { stream, consumer: durable },
          state: await ask('jetstream', jetStreamConsumerState(jsm, stream, durable)),
        })),
      ),
    );
    const jetStreamGauge = (
      name: string,
      help: string,
      value: (state: JetStreamConsumerState) => number,
    ) => {
      const gauge: Gauge<'stream' | 'consumer'> = new Gauge({
        name: `${METRIC_PREFIX}${name}`,
        help,
        labelNames: ['stream', 'consumer'],
        registers,
        collect: async () => {
          const states = await jetStreamStates();
          gauge.reset();
          for (const { labels, state } of states) if (state) gauge.set(labels, value(state));
        },
      });
    };
    jetStreamGauge(
      'jetstream_consumer_pending_messages',
      'Messages in the stream not yet delivered to the durable consumer: the backlog, which grows while no instance pulls.',
      (state) => state.numPending,
    );
    jetStreamGauge(
      'jetstream_consumer_ack_pending_messages',
      'Messages delivered to the durable consumer and not acked yet (in a handler, or held by a crashed instance until ack_wait).',
      (state) => state.numAckPending,
    );
    jetStreamGauge(
      'jetstream_consumer_redelivered_messages',
      'Messages of the durable consumer delivered more than once and not acked yet.',
      (state) => state.numRedelivered,
    );

    const kafkaLags = sharedWhileInFlight(() =>
      Promise.all(
        owned.kafka().map(async ({ groupId, topic, lag }) => ({
          groupId,
          topic,
          partitions: await ask('kafka', lag()),
        })),
      ),
    );
    const kafkaGauge = (
      name: string,
      help: string,
      value: (lag: PartitionLag) => number | null,
    ) => {
      const gauge: Gauge<'group' | 'topic' | 'partition'> = new Gauge({
        name: `${METRIC_PREFIX}${name}`,
        help,
        labelNames: ['group', 'topic', 'partition'],
        registers,
        collect: async () => {
          const groups = await kafkaLags();
          gauge.reset();
          for (const { groupId, topic, partitions = [] } of groups) {
            for (const lag of partitions) {
              const number = value(lag);
              const labels = { group: groupId, topic, partition: String(lag.partition) };
              if (number !== null) gauge.set(labels, number);
            }
          }
        },
      });
    };
    kafkaGauge(
      'kafka_consumer_lag_messages',
      'Records in the partition the consumer group has not committed yet (end offset minus committed offset; from the low watermark when the group never committed).',
      (lag) => lag.lag,
    );
    kafkaGauge(
      'kafka_partition_end_offset',
      'The high watermark of the partition: the offset the next record written to it gets.',
      (lag) => lag.endOffset,
    );
    kafkaGauge(
      'kafka_consumer_group_committed_offset',
      'The offset the consumer group committed on the partition (the next record it reads), as the broker reports it.',
      (lag) => lag.committedOffset,
    );
  }
}
