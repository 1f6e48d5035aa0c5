import { jetStreamConsumerState } from '@switchyard/messaging';
import type { ScenarioContext } from '../context';
import {
  countStatuses,
  describeCounts,
  placeOrders,
  waitUntilTerminal,
  type StatusCounts,
} from '../orders';
import { seconds, until } from '../poll';
import type { Scenario } from '../scenario';

export interface PaymentsOfflineOutcome {
  ordersPlaced: number;
  /** HTTP 201 answers while payments was paused: the fast path does not need payments. */
  acceptedWhilePaused: number;
  /** Payment requests JetStream held for the paused worker (its `num_pending`). */
  pendingWhilePaused: number;
  /** Read-model statuses while paused (all PLACED: accepted, nobody paid yet). */
  whilePaused: StatusCounts;
  /** Read-model statuses after resume: every order decided. */
  afterResume: StatusCounts;
  /** From resume until the read model showed every order decided. */
  drainMs: number;
  pendingAfterResume: number;
}

/**
 * ### payments-offline: JetStream holds work for an offline consumer.
 *
 * Pausing (not killing) payments makes the lesson repeatable on a running demo: its worker
 * stops pulling, the saga keeps publishing `PaymentRequested`, and the requests wait in the
 * `PAYMENTS` work queue. On resume, the worker pulls them in order and every order ends.
 */
export const paymentsOffline: Scenario<PaymentsOfflineOutcome> = {
  name: 'payments-offline',
  claim: 'JetStream holds work for an offline consumer',
  summary: 'pause payments, place orders, see them wait in JetStream, resume: all processed',
  async run(context: ScenarioContext, { orders }) {
    const { gateway, jsm, narrator, topology } = context;
    const { stream, durable } = topology.nats.consumers.paymentsWorker;
    const pending = async () =>
      (await jetStreamConsumerState(jsm, stream, durable))?.numPending ?? 0;

    narrator.step('Pausing the payments service’s consumer (the process keeps running)');
    const paused = await gateway.pause('payments');
    narrator.saw(
      `payments paused on ${paused.instances} instance(s): ${durable} stops pulling once its batch in hand is settled`,
    );
    const pendingBefore = await pending();

    try {
      narrator.step(`Placing ${orders} orders through POST /orders`);
      const placed = await placeOrders(context, orders, 'scenario-payments-offline');
      const accepted = placed.orderIds.length;
      narrator.saw(
        `${accepted} of ${orders} answered 201 Created: taking an order never waits for payment`,
      );

      narrator.step('Waiting for the saga to reserve stock and request a payment for each');
      const pendingWhilePaused = await until(
        `${accepted} payment requests waiting in ${stream}`,
        async () => {
          const now = await pending();
          return now >= pendingBefore + accepted ? now : false;
        },
        30_000,
      );
      narrator.saw(
        `JetStream holds ${pendingWhilePaused} payment request(s) for ${durable} (num_pending; ${pendingBefore} before)`,
      );
      const whilePausedStatuses = await until(
        'the read model to show the orders',
        async () => {
          const statuses = await gateway.statuses(placed.orderIds);
          return [...statuses.values()].every(Boolean) ? statuses : false;
        },
        30_000,
      );
      const whilePaused = countStatuses(whilePausedStatuses);
      narrator.saw(
        `the read model shows ${describeCounts(whilePaused)}: accepted, not paid, not lost`,
      );

      narrator.step('Resuming payments');
      const resumedAt = Date.now();
      await gateway.resume('payments');
      const final = await waitUntilTerminal(context, placed.orderIds, 60_000);
      const drainMs = Date.now() - resumedAt;
      const afterResume = countStatuses(final);
      const pendingAfterResume = await pending();
      narrator.saw(
        `${seconds(drainMs)} after resume the read model shows ${describeCounts(afterResume)}; num_pending is ${pendingAfterResume}`,
      );
      narrator.conclude(
        `JetStream held ${pendingWhilePaused} payment request(s) while payments took no work; ` +
          `none was lost, and all ${accepted} orders were decided once payments came back ` +
          `(any CANCELLED: the simulated processor’s random declines).`,
      );
      return {
        ordersPlaced: orders,
        acceptedWhilePaused: accepted,
        pendingWhilePaused,
        whilePaused,
        afterResume,
        drainMs,
        pendingAfterResume,
      };
    } finally {
      // Whatever happened above, never leave the demo's payments paused.
      await gateway.resume('payments').catch(() => undefined);
    }
  },
};
