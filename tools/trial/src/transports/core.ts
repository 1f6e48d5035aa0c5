import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { connectRaw } from '@switchyard/bench';
import {
  indexOf,
  portOf,
  type Deliver,
  type SessionContext,
  type TransportSession,
} from './transport';

/**
 * ### Core NATS: subjects in memory, at-most-once.
 *
 * Every fan-out subscriber is a subscription on the trial subject; its competing consumers
 * are members of one queue group. Nothing is stored: a subscriber that is away misses what
 * is published meanwhile, and no retention setting changes that.
 *
 * The subscriptions live on the publisher's own connection, on purpose: the server handles
 * one connection's protocol in order, so an UNSUB, the publishes after it and the SUB that
 * brings the subscriber back are seen in exactly the order they were sent. The messages
 * lost while away are then exactly those published in between, and the trial can check
 * that the loss it counts equals the gap it injected.
 */
export async function coreSession({
  shape,
  names,
  env,
}: SessionContext): Promise<TransportSession> {
  const subject = names.nats.subjects.trialCore;
  const nc: NatsConnection = await connectRaw('trial-core', env);
  const subscriptions: Subscription[][] = [];
  let deliver: Deliver = () => undefined;

  const subscribe = (k: number) =>
    Array.from({ length: shape.consumers }, () =>
      nc.subscribe(subject, {
        queue: names.nats.queues.trial(k),
        callback: (error, msg) => {
          if (!error) deliver(k, indexOf(msg.string()));
        },
      }),
    );

  return {
    delivery: 'at-most-once',
    retention: 'none: a message exists only while it is routed',
    fanout: `${shape.fanout} subscription(s) × queue group of ${shape.consumers}`,
    brokerPort: portOf(env.NATS_URL, 4222),
    async start(onDeliver) {
      deliver = onDeliver;
      for (let k = 0; k < shape.fanout; k++) subscriptions[k] = subscribe(k);
      await nc.flush();
    },
    publish(body) {
      nc.publish(subject, body);
      return Promise.resolve();
    },
    detach() {
      // drain, not unsubscribe: UNSUB goes out now, and what the server routed before it
      // (already on its way back) is still handled; unsubscribe would drop those copies in
      // the client and count them as lost although they were sent before the gap.
      for (const sub of subscriptions[0] ?? []) void sub.drain().catch(() => undefined);
    },
    reattach() {
      subscriptions[0] = subscribe(0);
    },
    async close() {
      await nc.drain();
    },
  };
}
