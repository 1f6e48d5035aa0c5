import { NoRespondersError, type NatsConnection } from '@nats-io/transport-node';
import { operationsLessonTopology } from '@switchyard/contracts';
import { connectNats } from '@switchyard/messaging';
import { uniqueNamespace } from '@switchyard/testkit';
import { LeafPair } from '../lessons/leaf-pair';
import { percentile } from '../orders';
import { until } from '../poll';
import type { Scenario, ScenarioOptions } from '../scenario';

export interface LeafNodeOptions {
  /** Requests per measurement. */
  requests: number;
  /** Delay the link adds, one way. */
  delayMs: number;
}

export interface LeafNodeOutcome {
  /** Edge → hub service round trip (p50), link without added delay. */
  hubP50Ms: number;
  /** The same with `delayMs` added each way on the link. */
  hubDelayedP50Ms: number;
  delayMs: number;
  /** Edge → edge service round trip (p50) while the link is slow… */
  edgeDelayedP50Ms: number;
  /** …and the bytes that crossed the link meanwhile: none, it never crosses it. */
  edgeBytesAcrossLink: number;
  /** With the link cut: edge-local requests answered, of `requests`. */
  edgeAnsweredDuringCut: number;
  /** With the link cut: hub requests that failed at once with "no responders", of `requests`. */
  hubNoRespondersDuringCut: number;
  /** The slowest of those failures. */
  hubSlowestFailureMs: number;
  requests: number;
  /** From restoring the link to the first hub answer again (the leaf redials every 1 s). */
  recoveredAfterMs: number;
}

type Result = { ok: true; ms: number } | { ok: false; ms: number; noResponders: boolean };

async function ask(nc: NatsConnection, subject: string, timeout = 2_000): Promise<Result> {
  const started = performance.now();
  try {
    await nc.request(subject, '', { timeout });
    return { ok: true, ms: performance.now() - started };
  } catch (error) {
    const noResponders =
      error instanceof NoRespondersError || (error as Error).cause instanceof NoRespondersError;
    return { ok: false, ms: performance.now() - started, noResponders };
  }
}

/** `requests` requests one after the other: a request's latency, not the link's throughput. */
async function askMany(nc: NatsConnection, subject: string, requests: number): Promise<Result[]> {
  const results: Result[] = [];
  for (let i = 0; i < requests; i += 1) results.push(await ask(nc, subject));
  return results;
}

function p50(results: readonly Result[]): number {
  const answered = results.filter((result) => result.ok).map((result) => result.ms);
  if (answered.length < results.length)
    throw new Error(`${results.length - answered.length} of ${results.length} requests failed`);
  return Number(percentile(answered, 50).toFixed(2));
}

/**
 * ### leaf-node: an edge site keeps working when its WAN link does not.
 *
 * An edge nats-server is a leaf of a hub: its clients talk to the edge, and only traffic
 * for subjects with interest on the other side crosses the link. This asks a hub service
 * from the edge over a normal link, then a slow one (a delaying proxy in the link), then a
 * cut one: the edge's own service keeps answering, and hub requests fail at once with
 * "no responders" (the edge no longer sees the hub's interest) rather than hang; when the
 * link returns the leaf redials and hub requests are answered again.
 */
export const leafNode: Scenario<LeafNodeOutcome, ScenarioOptions & LeafNodeOptions> = {
  name: 'leaf-node',
  claim:
    'leaf nodes extend NATS to the edge: local traffic stays local when the WAN is slow or cut',
  summary:
    'an edge nats-server as a leaf of a hub: hub requests through a slowed, then cut, link; edge-local ones unaffected',
  standalone: true,
  flags: [
    { flags: '--requests <n>', description: 'requests per measurement', defaultValue: 50 },
    { flags: '--delay-ms <n>', description: 'delay the link adds, each way', defaultValue: 25 },
  ],
  async run(context, { requests, delayMs }) {
    const { narrator } = context;
    const subjects = operationsLessonTopology(uniqueNamespace('l')).nats.subjects;
    narrator.step('Starting a hub nats-server and an edge nats-server, the edge a leaf of the hub');
    const pair = await LeafPair.start();
    const connections: NatsConnection[] = [];
    try {
      const hub = await connectNats({ settings: { NATS_URL: pair.hub.url }, name: 'lesson-hub' });
      connections.push(hub);
      const edge = await connectNats({
        settings: { NATS_URL: pair.edge.url },
        name: 'lesson-edge',
      });
      connections.push(edge);
      hub.subscribe(subjects.hubService, {
        callback: (_error, message) => void message.respond('hub'),
      });
      edge.subscribe(subjects.edgeService, {
        callback: (_error, message) => void message.respond('edge'),
      });
      await Promise.all([hub.flush(), edge.flush()]);
      narrator.saw(
        `hub ${pair.hub.url} serves ${subjects.hubService}; edge ${pair.edge.url} serves ${subjects.edgeService}; the edge dials the hub through a proxy on :${pair.link.port}`,
      );
      await until(
        'the leaf link to come up (the hub service answers from the edge)',
        async () => (await ask(edge, subjects.hubService, 500)).ok,
        20_000,
        100,
      );

      narrator.step(`Asking the hub service from the edge, ${requests} requests`);
      const hubP50Ms = p50(await askMany(edge, subjects.hubService, requests));
      narrator.saw(`edge → hub: p50 ${hubP50Ms} ms`);

      narrator.step(`Slowing the link: +${delayMs} ms each way`);
      pair.link.setDelay(delayMs);
      const hubDelayedP50Ms = p50(await askMany(edge, subjects.hubService, requests));
      const bytesBefore = pair.link.bytesForwarded;
      const edgeDelayedP50Ms = p50(await askMany(edge, subjects.edgeService, requests));
      const edgeBytesAcrossLink = pair.link.bytesForwarded - bytesBefore;
      narrator.saw(
        `edge → hub: p50 ${hubDelayedP50Ms} ms (the request and its reply each cross the link); ` +
          `edge → edge: p50 ${edgeDelayedP50Ms} ms, ${edgeBytesAcrossLink} bytes across the link`,
      );
      pair.link.setDelay(0);

      narrator.step('Cutting the link');
      const cutAt = performance.now();
      pair.link.cut();
      await until(
        'the edge to notice (hub requests answered "no responders")',
        async () => {
          const result = await ask(edge, subjects.hubService, 500);
          return !result.ok && result.noResponders;
        },
        20_000,
        20,
      );
      narrator.saw(
        `after ${Math.round(performance.now() - cutAt)} ms the edge has dropped the hub's interest`,
      );
      const edgeDuringCut = await askMany(edge, subjects.edgeService, requests);
      const hubDuringCut = await askMany(edge, subjects.hubService, requests);
      const edgeAnsweredDuringCut = edgeDuringCut.filter((result) => result.ok).length;
      const hubFailures = hubDuringCut.filter((result) => !result.ok);
      const hubNoRespondersDuringCut = hubFailures.filter((result) => result.noResponders).length;
      const hubSlowestFailureMs = Number(
        Math.max(0, ...hubFailures.map((result) => result.ms)).toFixed(2),
      );
      narrator.saw(
        `edge service: ${edgeAnsweredDuringCut}/${requests} answered; hub service: ` +
          `${hubNoRespondersDuringCut}/${requests} failed at once with "no responders" (slowest ${hubSlowestFailureMs} ms)`,
      );

      narrator.step('Restoring the link');
      const restoredAt = performance.now();
      pair.link.restore();
      await until(
        'the hub service to answer from the edge again',
        async () => (await ask(edge, subjects.hubService, 500)).ok,
        20_000,
        20,
      );
      const recoveredAfterMs = Math.round(performance.now() - restoredAt);
      narrator.saw(
        `the leaf redialled: the hub answers again ${recoveredAfterMs} ms after the link returned`,
      );

      narrator.conclude(
        `A leaf node keeps an edge site's traffic at the edge: only what has interest on the ` +
          `other side crosses the WAN, so a slow link (+${delayMs} ms each way: ${hubP50Ms} → ` +
          `${hubDelayedP50Ms} ms to the hub) slows only hub traffic (the edge's own service: ` +
          `${edgeDelayedP50Ms} ms), and a cut link fails hub requests at once ("no responders") ` +
          `while local requests carry on. The leaf redials by itself. Kafka has no counterpart: ` +
          `an edge site runs a cluster of its own and mirrors topics over the WAN (MirrorMaker 2), ` +
          `a separate process with its own offsets to translate.`,
      );
      return {
        hubP50Ms,
        hubDelayedP50Ms,
        delayMs,
        edgeDelayedP50Ms,
        edgeBytesAcrossLink,
        edgeAnsweredDuringCut,
        hubNoRespondersDuringCut,
        hubSlowestFailureMs,
        requests,
        recoveredAfterMs,
      };
    } finally {
      await Promise.all(connections.map((nc) => nc.close()));
      await pair.stop();
    }
  },
};
