import { AckPolicy, DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { OrderEventTypes, upcastOrderEvent } from '@switchyard/contracts';
import { connectNats } from '@switchyard/messaging';
import type { ScenarioContext } from '../context';
import { placeOrders } from '../orders';
import { until } from '../poll';
import type { Scenario } from '../scenario';

export interface CoreVsJetStreamOutcome {
  /** Orders placed while both listeners were connected. */
  placedWhileOnline: number;
  coreReceivedWhileOnline: number;
  /** Orders placed while both listeners were away. */
  placedWhileOffline: number;
  /** Of those, how many the core NATS subscriber got after it came back: always 0. */
  coreReceivedAfterReturn: number;
  /** Of those, how many the JetStream durable consumer got after it came back. */
  jetStreamReceivedAfterReturn: number;
}

/** A core NATS subscriber on the placed-notification wildcard, collecting order ids. */
async function coreListener(
  context: ScenarioContext,
): Promise<{ nc: NatsConnection; sub: Subscription; seen: Set<string> }> {
  const nc = await connectNats({ settings: context.env, name: 'scenario-core-listener' });
  const seen = new Set<string>();
  const sub = nc.subscribe(context.topology.nats.subjects.allOrderPlacedNotifications, {
    callback: (error, message) => {
      if (error) return;
      try {
        const { orderId } = message.json<{ orderId?: string }>();
        if (orderId) seen.add(orderId);
      } catch {
        // not JSON: not a notification we understand
      }
    },
  });
  await nc.flush(); // the subscription is registered on the server from here on
  return { nc, sub, seen };
}

/** Pulls what the durable consumer has, and returns the order ids of `OrderPlaced` events. */
async function pullPlaced(context: ScenarioContext, wanted: Set<string>): Promise<Set<string>> {
  const { stream, durable } = context.topology.scenarioListener;
  const consumer = await context.js.consumers.get(stream, durable);
  const got = new Set<string>();
  await until(
    `the JetStream consumer to deliver ${wanted.size} OrderPlaced events`,
    async () => {
      const batch = await consumer.fetch({ max_messages: 200, expires: 1_000 });
      for await (const message of batch) collect(message, wanted, got);
      return [...wanted].every((orderId) => got.has(orderId));
    },
    30_000,
    0,
  );
  return got;
}

function collect(message: JsMsg, wanted: Set<string>, got: Set<string>): void {
  message.ack();
  try {
    const parsed = upcastOrderEvent(message.json());
    if (!parsed.ok || parsed.event.type !== OrderEventTypes.OrderPlaced) return;
    if (wanted.has(parsed.event.data.orderId)) got.add(parsed.event.data.orderId);
  } catch {
    // not JSON: not ours to judge here
  }
}

/**
 * ### core-vs-jetstream: core NATS is at-most-once; JetStream remembers.
 *
 * Two listeners watch the same orders. The core NATS subscriber (the wildcard the live
 * feed uses) and a JetStream durable consumer both go away while orders are placed, then
 * come back. Core NATS had nobody to deliver to, so those notifications are gone; the
 * durable consumer's position was kept by the server, so it gets every event it missed.
 */
export const coreVsJetStream: Scenario<CoreVsJetStreamOutcome> = {
  name: 'core-vs-jetstream',
  claim: 'core NATS is at-most-once',
  summary:
    'a core NATS subscriber misses what was published while it was away; a JetStream durable does not',
  async run(context: ScenarioContext, { orders }) {
    const { jsm, narrator, topology } = context;
    const listener = topology.scenarioListener;
    await jsm.consumers.delete(listener.stream, listener.durable).catch(() => false);
    // deliver_policy "new": the durable starts at this moment, not at the stream's history.
    await jsm.consumers.add(listener.stream, {
      durable_name: listener.durable,
      filter_subject: listener.filterSubject,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
    });
    try {
      narrator.step(
        `Connecting a core NATS subscriber to ${topology.nats.subjects.allOrderPlacedNotifications} ` +
          `and a JetStream durable consumer ${listener.durable} on ${listener.filterSubject}`,
      );
      let core = await coreListener(context);
      const online = await placeOrders(context, 3, 'scenario-core-online');
      await until(
        'the core subscriber to see the online orders',
        () => online.orderIds.every((orderId) => core.seen.has(orderId)),
        10_000,
      );
      const coreReceivedWhileOnline = online.orderIds.filter((orderId) =>
        core.seen.has(orderId),
      ).length;
      const jsOnline = await pullPlaced(context, new Set(online.orderIds));
      narrator.saw(
        `both online: core NATS got ${coreReceivedWhileOnline}/${online.orderIds.length}, JetStream got ${jsOnline.size}/${online.orderIds.length}`,
      );

      narrator.step('Both listeners disconnect (their process is gone)');
      await core.nc.close();
      narrator.step(`Placing ${orders} orders while nobody listens`);
      const offline = await placeOrders(context, orders, 'scenario-core-offline');
      narrator.saw(`${offline.orderIds.length} orders accepted (201) and notified on core NATS`);

      narrator.step('Both listeners come back');
      core = await coreListener(context);
      // A marker order placed after the return proves the new subscription works: once
      // its notification arrives, everything that could still arrive has arrived.
      const marker = await placeOrders(context, 1, 'scenario-core-marker');
      await until(
        'the marker notification',
        () => marker.orderIds.every((orderId) => core.seen.has(orderId)),
        10_000,
      );
      const coreReceivedAfterReturn = offline.orderIds.filter((orderId) =>
        core.seen.has(orderId),
      ).length;
      await core.nc.close();
      narrator.saw(
        `core NATS subscriber: ${coreReceivedAfterReturn}/${offline.orderIds.length} of the orders placed while it was away (the marker order after its return: received)`,
      );
      const jsAfter = await pullPlaced(context, new Set(offline.orderIds));
      narrator.saw(
        `JetStream durable consumer: ${jsAfter.size}/${offline.orderIds.length}, delivered from where it left off`,
      );
      narrator.conclude(
        `Core NATS delivers to whoever listens at that moment, at most once: the ` +
          `${offline.orderIds.length - coreReceivedAfterReturn} notification(s) published while the ` +
          `subscriber was away are gone, which is fine for a live feed. The durable JetStream ` +
          `consumer got all ${jsAfter.size}: whoever must not miss an event reads the stream.`,
      );
      return {
        placedWhileOnline: online.orderIds.length,
        coreReceivedWhileOnline,
        placedWhileOffline: offline.orderIds.length,
        coreReceivedAfterReturn,
        jetStreamReceivedAfterReturn: jsAfter.size,
      };
    } finally {
      await jsm.consumers.delete(listener.stream, listener.durable).catch(() => false);
    }
  },
};
