import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { jetStreamConsumerState } from '@switchyard/messaging';
import type { ScenarioContext } from '../context';
import {
  countStatuses,
  describeCounts,
  percentile,
  placeOrders,
  waitUntilTerminal,
  type StatusCounts,
} from '../orders';
import { seconds, until } from '../poll';
import type { Scenario } from '../scenario';

const run = promisify(execFile);

export type KafkaDownOutcome =
  | { skipped: true; why: string }
  | {
      skipped: false;
      ordersPlaced: number;
      /** HTTP status → count while Kafka was down: all 201 is the lesson. */
      httpWhileDown: Record<number, number>;
      p50LatencyMs: number;
      maxLatencyMs: number;
      /** The bridge's backlog at its peak: events stored in JetStream, not yet in Kafka. */
      peakBridgeBacklog: number;
      /** Orders the read model knew while Kafka was down (0: it reads from Kafka). */
      projectedWhileDown: number;
      kafkaDownMs: number;
      kafkaStartMs: number;
      /** From "Kafka answers again" until the bridge's backlog was empty. */
      bridgeDrainMs: number;
      /** From "Kafka answers again" until the read model showed every order decided. */
      readModelCatchUpMs: number;
      final: StatusCounts;
    };

interface KafkaScript {
  status(): Promise<{ running: boolean; ours: boolean; text: string }>;
  down(): Promise<void>;
  up(): Promise<void>;
}

/** `infra/local/kafka.sh`, with this process's environment (its SWITCHYARD_LOCAL_DIR, KAFKA_PORT…). */
function kafkaScript(context: ScenarioContext): KafkaScript {
  const script = join(context.repoRoot, 'infra', 'local', 'kafka.sh');
  const env = { ...process.env, KAFKA_PORT: String(context.env.KAFKA_PORT) };
  return {
    async status() {
      try {
        const { stdout } = await run('bash', [script, 'status'], { env });
        return { running: true, ours: !stdout.includes('not started from'), text: stdout.trim() };
      } catch (error) {
        return {
          running: false,
          ours: false,
          text: String((error as { stdout?: string }).stdout ?? error).trim(),
        };
      }
    },
    async down() {
      await run('bash', [script, 'down'], { env });
    },
    async up() {
      await run('bash', [script, 'up'], { env, timeout: 180_000 });
    },
  };
}

/**
 * ### kafka-down: Kafka is the backbone, not the fast path.
 *
 * The order is stored in JetStream before the gateway answers 201; Kafka is fed behind
 * it by the bridge. With the broker down, orders are still accepted and the saga still
 * runs (all of it on NATS); the bridge's durable consumer simply falls behind and the read
 * model (projected from Kafka) stands still. When Kafka is back, the backlog drains in
 * order and the read model catches up. Nothing is lost, nothing on the fast path waited.
 *
 * It stops only a broker `infra/local/kafka.sh` started (same SWITCHYARD_LOCAL_DIR and
 * KAFKA_PORT as this process); for any other broker it says what to stop instead.
 */
export const kafkaDown: Scenario<KafkaDownOutcome> = {
  name: 'kafka-down',
  claim: 'Kafka is the backbone, not the fast path',
  summary:
    'stop the local Kafka, place orders (still 201), start it: the bridge backlog drains, the read model catches up',
  async run(context: ScenarioContext, { orders, downSeconds }) {
    const { env, gateway, jsm, narrator, topology } = context;
    const kafka = kafkaScript(context);
    const status = await kafka.status();
    const brokerMatches = env.KAFKA_BROKERS.some((broker) => broker.endsWith(`:${env.KAFKA_PORT}`));
    if (!status.running || !status.ours || !brokerMatches) {
      const why =
        `KAFKA_BROKERS=${env.KAFKA_BROKERS.join(',')} is not a broker this repo's infra/local/kafka.sh ` +
        `runs on port ${env.KAFKA_PORT} from this SWITCHYARD_LOCAL_DIR (${status.text || 'no answer'}). ` +
        'This scenario only stops a broker it can start again. To see the lesson anyway, stop your ' +
        'broker yourself (e.g. `docker compose stop kafka`), place orders (`curl -X POST …/orders`: ' +
        'still 201), watch GET /admin/consumers and the bridge backlog, then start it again.';
      narrator.conclude(why);
      return { skipped: true, why };
    }

    const route = topology.bridgeRoutes[0];
    const backlog = async () => {
      const state = await jetStreamConsumerState(jsm, route.stream, route.durable);
      return state ? state.numPending + state.numAckPending : 0;
    };

    narrator.step(`Stopping the local Kafka broker (${status.text})`);
    const downAt = Date.now();
    await kafka.down();
    let kafkaIsDown = true;
    try {
      narrator.saw(`Kafka stopped in ${seconds(Date.now() - downAt)}`);

      narrator.step(`Placing ${orders} orders through POST /orders while Kafka is down`);
      const placed = await placeOrders(context, orders, 'scenario-kafka-down');
      const p50 = percentile(placed.latenciesMs, 50);
      const max = Math.max(...placed.latenciesMs);
      narrator.saw(
        `HTTP answers: ${Object.entries(placed.statuses)
          .map(([code, n]) => `${n}× ${code}`)
          .join(', ')} ` +
          `(p50 ${p50.toFixed(0)} ms, max ${max.toFixed(0)} ms): the fast path never touches Kafka`,
      );

      narrator.step(`Keeping Kafka down for ${downSeconds} s; watching the bridge's backlog`);
      let peakBridgeBacklog = 0;
      const keepDownUntil = downAt + downSeconds * 1_000;
      while (Date.now() < keepDownUntil) {
        peakBridgeBacklog = Math.max(peakBridgeBacklog, await backlog());
        narrator.saw(
          `bridge backlog (${route.durable}, pending + unacked): ${peakBridgeBacklog} event(s) waiting in JetStream`,
        );
        await sleep(Math.min(5_000, Math.max(0, keepDownUntil - Date.now())));
      }
      const whileDown = await gateway.statuses(placed.orderIds);
      const projectedWhileDown = [...whileDown.values()].filter(Boolean).length;
      narrator.saw(
        `the read model knows ${projectedWhileDown}/${placed.orderIds.length} of them: it is fed from Kafka`,
      );

      narrator.step('Starting Kafka again');
      const startAt = Date.now();
      await kafka.up();
      kafkaIsDown = false;
      const upAt = Date.now();
      const kafkaDownMs = upAt - downAt;
      narrator.saw(
        `Kafka answers again after ${seconds(upAt - startAt)} (down ${seconds(kafkaDownMs)} in all)`,
      );

      await until('the bridge backlog to drain', async () => (await backlog()) === 0, 180_000, 250);
      const bridgeDrainMs = Date.now() - upAt;
      narrator.saw(
        `bridge backlog empty ${seconds(bridgeDrainMs)} after Kafka came back (its retries back off while Kafka is away)`,
      );
      const final = countStatuses(await waitUntilTerminal(context, placed.orderIds, 180_000));
      const readModelCatchUpMs = Date.now() - upAt;
      narrator.saw(
        `read model caught up ${seconds(readModelCatchUpMs)} after Kafka came back: ${describeCounts(final)}`,
      );
      narrator.conclude(
        `With Kafka down for ${seconds(kafkaDownMs)}, ${placed.statuses[201] ?? 0}/${orders} orders were ` +
          `still accepted (201, p50 ${p50.toFixed(0)} ms) and paid; up to ${peakBridgeBacklog} event(s) ` +
          `waited in JetStream for the bridge, drained ${seconds(bridgeDrainMs)} after Kafka returned, and ` +
          `the read model caught up after ${seconds(readModelCatchUpMs)}. Kafka is the backbone: the log ` +
          `everything is rebuilt from, not the path a request waits on.`,
      );
      return {
        skipped: false,
        ordersPlaced: orders,
        httpWhileDown: placed.statuses,
        p50LatencyMs: p50,
        maxLatencyMs: max,
        peakBridgeBacklog,
        projectedWhileDown,
        kafkaDownMs,
        kafkaStartMs: upAt - startAt,
        bridgeDrainMs,
        readModelCatchUpMs,
        final,
      };
    } finally {
      // Never leave the broker down because a step above failed.
      if (kafkaIsDown) await kafka.up().catch(() => undefined);
    }
  },
};
