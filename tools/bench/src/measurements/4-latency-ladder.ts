import { benchTopology } from '@switchyard/contracts';
import { uniqueNamespace } from '@switchyard/testkit';
import { Deliveries } from '../load/deliveries';
import { warmUp } from '../load/open-loop';
import { runPreciseOpenLoop } from '../load/precise-open-loop';
import type { BenchContext, Measurement, MeasurementResult } from '../measurement';
import { jsonPayload } from '../payload';
import {
  consumeIndexes as consumeJetStream,
  createBenchStream,
  deleteBenchStream,
  publishWithAck,
} from '../raw/raw-jetstream';
import {
  consumeIndexes as consumeKafka,
  createTopic,
  deleteTopics,
  plainProducer,
  rawKafka,
  sendOne,
} from '../raw/raw-kafka';
import { connectRaw } from '../raw/raw-nats';
import { latencyFigures, medianSummary, type LatencySummary } from '../stats/latency';
import { ratio } from '../stats/ratios';
import { ladderNotes } from '../report/article-ladder';

type Rung = 'core' | 'jetstream' | 'kafka';

/**
 * ### 4. The latency ladder: publish → a consumer has it, on each of the three transports.
 *
 * - **core NATS**: publish → subscriber (in memory, at-most-once);
 * - **JetStream**: publish with ack → durable pull consumer (stored on disk first);
 * - **Kafka**: `send` with acks=all and no batching delay → consumer group member.
 *
 * Each rung runs at the same fixed rate, measured from the intended send time to the
 * moment the consumer receives the message, by the precise sender (`runPreciseOpenLoop`),
 * which also reports its own scheduling error: the 1 ms timer of `runOpenLoop` would add
 * about a millisecond to every rung, as much as a whole core NATS hop. The ratios are the "how much slower is the
 * durable log" answer that the NATS-vs-Kafka decision usually turns on.
 */
export const latencyLadder: Measurement = {
  id: '4',
  title: 'Latency ladder: Kafka produce→consume (acks=all) vs JetStream vs core NATS',
  async run({ profile, log }: BenchContext): Promise<MeasurementResult> {
    const names = benchTopology(uniqueNamespace('bench'));
    const { p } = jsonPayload(profile.payloadBytes);
    const deliveries = new Deliveries();
    const publisher = await connectRaw('bench-ladder-publisher');
    const receiver = await connectRaw('bench-ladder-receiver');
    const js = await createBenchStream(publisher, names);
    const kafka = rawKafka(names.kafka.clientId('ladder'));
    const topic = names.kafka.topics.ladder;
    await createTopic(kafka, topic.name, topic.partitions);
    const jsSubject = names.nats.subjects.jetstream('ladder');

    receiver.subscribe(names.nats.subjects.ladderCore, {
      callback: (error, msg) => {
        if (!error) deliveries.received(msg.json<{ i: number }>().i);
      },
    });
    await receiver.flush();
    const jsConsumer = await consumeJetStream(receiver, names, jsSubject, (i) =>
      deliveries.received(i),
    );
    const kafkaConsumer = await consumeKafka(kafka, names.kafka.groups.ladder, topic.name, (i) =>
      deliveries.received(i),
    );
    const producer = await plainProducer(kafka);

    const send: Record<Rung, (body: string) => Promise<void>> = {
      core: async (body) => publisher.publish(names.nats.subjects.ladderCore, body),
      jetstream: (body) => publishWithAck(js, jsSubject, body),
      kafka: (body) => sendOne(producer, topic.name, body),
    };
    let next = 0;
    const roundTrip = (rung: Rung) => async () => {
      const i = next++;
      const delivered = deliveries.expect(i, 1);
      await send[rung](JSON.stringify({ i, p }));
      await delivered;
    };
    const runs: Record<Rung, LatencySummary[]> = { core: [], jetstream: [], kafka: [] };
    const schedulingErrors: LatencySummary[] = [];
    const { rate, count } = profile.ladder;
    try {
      for (let rep = 0; rep < profile.repetitions; rep++) {
        const rungs: Rung[] = ['core', 'jetstream', 'kafka'];
        for (const rung of rungs.map((_, k) => rungs[(k + rep) % rungs.length]!)) {
          await warmUp(roundTrip(rung), Math.min(profile.warmUp, 100));
          const result = await runPreciseOpenLoop(roundTrip(rung), {
            plan: { kind: 'steady', rate, count },
            timeoutMs: 15_000,
          });
          deliveries.clear();
          if (result.failed > 0)
            throw new Error(`${rung}: ${result.failed} messages not received in time`);
          runs[rung].push(result.latency);
          schedulingErrors.push(result.schedulingError);
        }
        log(`  repetition ${rep + 1}/${profile.repetitions} done`);
      }
    } finally {
      await producer.disconnect();
      await kafkaConsumer.disconnect();
      await jsConsumer.stop();
      await deleteBenchStream(publisher, names);
      await deleteTopics(kafka, [topic.name]);
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteGroups([names.kafka.groups.ladder]).catch(() => undefined);
      await admin.disconnect();
      await publisher.close();
      await receiver.close();
    }
    const m = (rung: Rung) => medianSummary(runs[rung]);
    const scheduler = medianSummary(schedulingErrors);
    return {
      id: this.id,
      title: this.title,
      oursLabel:
        'Kafka: kafkajs send (acks=all, linger 0, 1 partition) → consumer group (eachMessage)',
      rawLabel:
        'NATS: core publish → subscriber, and JetStream publish with ack → durable pull consumer',
      ours: latencyFigures('kafka', m('kafka')),
      raw: {
        ...latencyFigures('core', m('core')),
        ...latencyFigures('jetstream', m('jetstream')),
        schedulingErrorP50Ms: scheduler.p50,
        schedulingErrorP99Ms: scheduler.p99,
      },
      ratios: {
        kafkaVsCoreP50: ratio('Kafka p50 ÷ core NATS p50', m('kafka').p50, m('core').p50),
        kafkaVsCoreP99: ratio('Kafka p99 ÷ core NATS p99', m('kafka').p99, m('core').p99),
        kafkaVsJetStreamP50: ratio('Kafka p50 ÷ JetStream p50', m('kafka').p50, m('jetstream').p50),
        kafkaVsJetStreamP99: ratio('Kafka p99 ÷ JetStream p99', m('kafka').p99, m('jetstream').p99),
        jetStreamVsCoreP50: ratio(
          'JetStream p50 ÷ core NATS p50',
          m('jetstream').p50,
          m('core').p50,
        ),
      },
      settings: {
        fixedRatePerSec: rate,
        messagesPerRung: count,
        payloadBytes: profile.payloadBytes,
        kafkaAcks: 'all',
        kafkaLinger: '0 (kafkajs sends each send() at once)',
        kafkaConsumerMaxWaitMs: 100,
        jetstreamStorage: 'file',
        repetitions: profile.repetitions,
        scheduler: 'precise: timer to 2 ms before each instant, then setImmediate',
      },
      notes: ladderNotes({
        core: m('core'),
        jetstream: m('jetstream'),
        kafka: m('kafka'),
        scheduler,
      }),
    };
  },
};
