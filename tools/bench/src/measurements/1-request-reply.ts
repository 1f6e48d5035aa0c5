import { benchTopology } from '@switchyard/contracts';
import { nestRequest, uniqueNamespace } from '@switchyard/testkit';
import { runOpenLoop, runSequential, warmUp } from '../load/open-loop';
import type { BenchContext, Measurement, MeasurementResult } from '../measurement';
import { jsonPayload } from '../payload';
import { connectRaw, rawRequest, startRawResponder } from '../raw/raw-nats';
import { createNestClient, nestRequestReply, startNestResponder } from '../services/nest-nats';
import { latencyFigures, medianSummary, type LatencySummary } from '../stats/latency';
import { ratio } from '../stats/ratios';

type Variant = 'raw' | 'nest' | 'split' | 'stock';
type Operation = (index: number) => Promise<unknown>;

/**
 * ### 1. NATS request-reply: raw nats.js vs NestJS (ClientProxy → @MessagePattern, queue group).
 *
 * Four variants run interleaved in every repetition (the order rotates, so none always
 * goes first on a cold machine):
 * - **raw**: `nc.request` → queue subscriber answering with `msg.respond`;
 * - **nest**: `ClientProxy.send` → `@MessagePattern(subject, { queue })`, the services' path:
 *   the gateway's client, `MuxedReplyClientNats` (one reply subscription for all requests);
 * - **split**: raw `nc.request` carrying Nest's envelope → the same Nest handler. It splits
 *   Nest's cost into its client half (nest − split) and its server half (split − raw);
 * - **stock**: Nest's own `ClientNats` (a reply subscription per request) → the same handler,
 *   reported beside ours: what the gateway's client changes.
 */
export const requestReply: Measurement = {
  id: '1',
  title: 'NATS request-reply: raw nats.js vs NestJS ClientProxy → @MessagePattern',
  async run({ profile, log }: BenchContext): Promise<MeasurementResult> {
    const names = benchTopology(uniqueNamespace('bench'));
    const rawSubject = names.nats.subjects.requestReply('raw');
    const nestSubject = names.nats.subjects.requestReply('nest');
    const queue = names.nats.queues.responders;
    const body = jsonPayload(profile.payloadBytes);
    const encoded = JSON.stringify(body);

    const responderConnection = await connectRaw('bench-raw-responder');
    const requesterConnection = await connectRaw('bench-raw-requester');
    startRawResponder(responderConnection, rawSubject, queue);
    const nestServer = await startNestResponder(nestSubject, queue);
    const nestClient = await createNestClient('gateway');
    const stockClient = await createNestClient('stock');

    const operations: Record<Variant, Operation> = {
      raw: () => rawRequest(requesterConnection, rawSubject, encoded),
      nest: () => nestRequestReply(nestClient, nestSubject, body),
      split: () => nestRequest(requesterConnection, nestSubject, body),
      stock: () => nestRequestReply(stockClient, nestSubject, body),
    };
    const sequential: Record<Variant, LatencySummary[]> = {
      raw: [],
      nest: [],
      split: [],
      stock: [],
    };
    const fixedRate: Record<Variant, LatencySummary[]> = {
      raw: [],
      nest: [],
      split: [],
      stock: [],
    };
    const { sequential: sequentialCount, rate, count } = profile.requestReply;
    try {
      const variants: Variant[] = ['raw', 'nest', 'split', 'stock'];
      for (let rep = 0; rep < profile.repetitions; rep++) {
        const order = variants.map((_, i) => variants[(i + rep) % variants.length]!);
        for (const variant of order) {
          await warmUp(operations[variant], profile.warmUp);
          sequential[variant].push(await runSequential(operations[variant], sequentialCount));
          const open = await runOpenLoop(operations[variant], { rate, count, timeoutMs: 10_000 });
          if (open.failed > 0) throw new Error(`${variant}: ${open.failed} requests failed`);
          fixedRate[variant].push(open.latency);
        }
        log(`  repetition ${rep + 1}/${profile.repetitions} done`);
      }
    } finally {
      await nestClient.close();
      await stockClient.close();
      await nestServer.close();
      await requesterConnection.close();
      await responderConnection.close();
    }

    const seq = (variant: Variant) => medianSummary(sequential[variant]);
    const open = (variant: Variant) => medianSummary(fixedRate[variant]);
    return {
      id: this.id,
      title: this.title,
      oursLabel:
        "NestJS ClientProxy.send (the gateway's MuxedReplyClientNats) → @MessagePattern (queue group)",
      rawLabel: 'nats.js nc.request → queue subscription, msg.respond',
      ours: {
        ...latencyFigures('fixedRate', open('nest')),
        ...latencyFigures('sequential', seq('nest')),
        ...latencyFigures('splitFixedRate', open('split')),
        ...latencyFigures('stockClientFixedRate', open('stock')),
      },
      raw: {
        ...latencyFigures('fixedRate', open('raw')),
        ...latencyFigures('sequential', seq('raw')),
      },
      ratios: {
        p50: ratio('NestJS p50 ÷ raw p50 (fixed rate)', open('nest').p50, open('raw').p50, {
          op: '<=',
          limit: 1.15,
        }),
        p99: ratio('NestJS p99 ÷ raw p99 (fixed rate)', open('nest').p99, open('raw').p99, {
          op: '<=',
          limit: 1.2,
        }),
        sequentialP50: ratio('NestJS p50 ÷ raw p50 (sequential)', seq('nest').p50, seq('raw').p50),
        sequentialP99: ratio('NestJS p99 ÷ raw p99 (sequential)', seq('nest').p99, seq('raw').p99),
        splitP99: ratio(
          'raw nc.request with Nest envelope → @MessagePattern p99 ÷ raw p99 (fixed rate)',
          open('split').p99,
          open('raw').p99,
          { op: '<=', limit: 1.2 },
        ),
        stockClientP50: ratio(
          "Nest's stock ClientNats p50 ÷ raw p50 (fixed rate)",
          open('stock').p50,
          open('raw').p50,
        ),
        stockClientP99: ratio(
          "Nest's stock ClientNats p99 ÷ raw p99 (fixed rate)",
          open('stock').p99,
          open('raw').p99,
        ),
        serverHalfP50: ratio(
          'raw client → Nest handler p50 ÷ raw p50 (Nest server cost)',
          open('split').p50,
          open('raw').p50,
        ),
        clientHalfP50: ratio(
          'ClientProxy → Nest p50 ÷ raw client → Nest p50 (Nest client cost)',
          open('nest').p50,
          open('split').p50,
        ),
      },
      settings: {
        payloadBytes: profile.payloadBytes,
        warmUp: profile.warmUp,
        sequentialRequests: sequentialCount,
        fixedRatePerSec: rate,
        fixedRateRequests: count,
        repetitions: profile.repetitions,
        process: 'requester and responder in the bench process, separate NATS connections',
      },
      notes: [
        `Where the time goes: the Nest handler side adds ${pct(open('split').p50, open('raw').p50)} at p50 ` +
          `(raw requester → @MessagePattern vs raw responder); Nest's ClientProxy adds ` +
          `${pct(open('nest').p50, open('split').p50)} on top. Nest's stock ClientNats subscribes a fresh inbox for ` +
          'every request and unsubscribes it after the reply (SUB + PUB + UNSUB, and the server must register the ' +
          "interest before it can route the reply), where nc.request shares one wildcard inbox; the gateway's " +
          `MuxedReplyClientNats does the same as nc.request (stock client at p99: ${pct(open('stock').p99, open('raw').p99)} ` +
          `over raw, ours ${pct(open('nest').p99, open('raw').p99)}). A CPU profile ` +
          '(node --cpu-prof) of this measurement is ~70 % idle: the cost is round-trip work, not JavaScript.',
      ],
    };
  },
};

function pct(numerator: number, denominator: number): string {
  const change = (numerator / denominator - 1) * 100;
  return `${change >= 0 ? '+' : ''}${change.toFixed(0)} %`;
}
