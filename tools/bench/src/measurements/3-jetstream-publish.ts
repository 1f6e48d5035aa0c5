import { benchTopology } from '@switchyard/contracts';
import { uniqueNamespace } from '@switchyard/testkit';
import { runOpenLoop, runSequential, warmUp } from '../load/open-loop';
import type { BenchContext, Measurement, MeasurementResult } from '../measurement';
import { jsonPayload } from '../payload';
import { createBenchStream, deleteBenchStream, publishWithAck } from '../raw/raw-jetstream';
import { connectRaw, rawRequest, startRawResponder } from '../raw/raw-nats';
import { latencyFigures, medianSummary, type LatencySummary } from '../stats/latency';
import { ratio } from '../stats/ratios';

/**
 * ### 3. JetStream publish with ack (file storage) vs a core NATS request.
 *
 * Both are one round trip to the server; the difference is what the server does before
 * answering: JetStream appends the message to the stream's file (and would replicate it in
 * a cluster) before the PubAck, a core responder answers from memory. This is the price
 * of durability on the write side (the orders service pays it once per command).
 */
export const jetstreamPublish: Measurement = {
  id: '3',
  title: 'JetStream publish with ack (file storage) vs core NATS request',
  async run({ profile, log }: BenchContext): Promise<MeasurementResult> {
    const names = benchTopology(uniqueNamespace('bench'));
    const subject = names.nats.subjects.jetstream('publish');
    const coreSubject = names.nats.subjects.requestReply('raw');
    const body = JSON.stringify(jsonPayload(profile.payloadBytes));
    const responder = await connectRaw('bench-core-responder');
    const nc = await connectRaw('bench-js-publisher');
    startRawResponder(responder, coreSubject, names.nats.queues.responders);
    const js = await createBenchStream(nc, names);
    const operations = {
      jetstream: () => publishWithAck(js, subject, body),
      core: () => rawRequest(nc, coreSubject, body),
    };
    const seq: Record<'jetstream' | 'core', LatencySummary[]> = { jetstream: [], core: [] };
    const open: Record<'jetstream' | 'core', LatencySummary[]> = { jetstream: [], core: [] };
    const { rate, count } = profile.requestReply;
    try {
      for (let rep = 0; rep < profile.repetitions; rep++) {
        const order =
          rep % 2 === 0 ? (['core', 'jetstream'] as const) : (['jetstream', 'core'] as const);
        for (const kind of order) {
          await warmUp(operations[kind], profile.warmUp);
          seq[kind].push(await runSequential(operations[kind], profile.jetstream.sequential));
          const result = await runOpenLoop(operations[kind], { rate, count, timeoutMs: 10_000 });
          if (result.failed > 0) throw new Error(`${kind}: ${result.failed} operations failed`);
          open[kind].push(result.latency);
        }
        log(`  repetition ${rep + 1}/${profile.repetitions} done`);
      }
    } finally {
      await deleteBenchStream(nc, names);
      await nc.close();
      await responder.close();
    }
    const o = (kind: 'jetstream' | 'core') => medianSummary(open[kind]);
    const s = (kind: 'jetstream' | 'core') => medianSummary(seq[kind]);
    return {
      id: this.id,
      title: this.title,
      oursLabel: 'JetStream js.publish, awaiting the PubAck (file storage, 1 replica)',
      rawLabel: 'core NATS nc.request to a queue responder',
      ours: {
        ...latencyFigures('fixedRate', o('jetstream')),
        ...latencyFigures('sequential', s('jetstream')),
      },
      raw: {
        ...latencyFigures('fixedRate', o('core')),
        ...latencyFigures('sequential', s('core')),
      },
      ratios: {
        p50: ratio(
          'JetStream publish p50 ÷ core request p50 (fixed rate)',
          o('jetstream').p50,
          o('core').p50,
        ),
        p99: ratio(
          'JetStream publish p99 ÷ core request p99 (fixed rate)',
          o('jetstream').p99,
          o('core').p99,
        ),
        sequentialP50: ratio(
          'JetStream publish p50 ÷ core request p50 (sequential)',
          s('jetstream').p50,
          s('core').p50,
        ),
      },
      settings: {
        payloadBytes: profile.payloadBytes,
        storage: 'file',
        replicas: 1,
        sequential: profile.jetstream.sequential,
        fixedRatePerSec: rate,
        fixedRateMessages: count,
        repetitions: profile.repetitions,
      },
      notes: [],
    };
  },
};
