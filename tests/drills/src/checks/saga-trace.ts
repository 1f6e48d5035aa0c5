import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Topology } from '@switchyard/contracts';
import { subjectMessages } from '@switchyard/messaging';

/**
 * ### Where an unsettled order's saga stopped, step by step.
 *
 * For the failure message of a drill whose order never ended: each store the saga writes,
 * in the order the saga writes them — the order's events (`ORDERS`), its reservation
 * (KV `INVENTORY`), its payment decision (KV `PAYMENTS`), its payment outcome
 * (`PAYMENT_EVENTS`) — and each durable consumer between them (where its ack floor
 * stands, what it holds unacked, what it redelivered). The first store that lacks the
 * order names the step that was lost; the consumers say whether the message was passed
 * over (acked) or is still owed (pending).
 */
export async function traceSagas(
  nc: NatsConnection,
  names: Topology,
  orderIds: readonly string[],
): Promise<string[]> {
  const jsm = await jetstreamManager(nc);
  const lines = [await consumersLine(jsm, names)];
  const kvm = new Kvm(nc);
  const inventory = await kvm.open(names.nats.kv.inventory.name);
  const payments = await kvm.open(names.nats.kv.payments.name);
  for (const orderId of orderIds) {
    const { subjects, streams } = names.nats;
    const events = await subjectEvents(jsm, streams.orders.name, subjects.orderEvents(orderId));
    const outcome = await subjectEvents(
      jsm,
      streams.paymentEvents.name,
      subjects.paymentEvents(orderId),
    );
    const reservation = await inventory.get(`reservation.${orderId}`);
    const payment = await payments.get(`payment.${orderId}`);
    lines.push(
      `  saga of ${orderId}: ORDERS [${events.join(', ') || 'none'}]; ` +
        `reservation ${reservation?.string() ?? 'none'} (rev ${reservation?.revision ?? '-'}); ` +
        `payment ${payment?.string() ?? 'none'}; PAYMENT_EVENTS [${outcome.join(', ') || 'none'}]`,
    );
  }
  return lines;
}

/** `<type> v<version> @<seq>` of the first ten messages on `subject`, in order. */
async function subjectEvents(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
): Promise<string[]> {
  const found: string[] = [];
  for await (const message of subjectMessages(jsm, stream, subject)) {
    const event = message.json<{ type?: string; aggregateVersion?: number }>();
    found.push(`${event.type} v${event.aggregateVersion ?? '-'} @${message.seq}`);
    if (found.length === 10) break;
  }
  return found;
}

/** Each saga consumer's position: leader, delivered, ack floor, unacked, redelivered, pending. */
async function consumersLine(jsm: JetStreamManager, names: Topology): Promise<string> {
  const { consumers } = names.nats;
  const route = names.bridgeRoutes[0];
  const watched = [
    consumers.ordersSaga,
    consumers.paymentsWorker,
    consumers.ordersPaymentOutcomes,
    consumers.ordersDeadlines,
    route,
  ];
  const parts: string[] = [];
  for (const { stream, durable } of watched) {
    const info = await jsm.consumers.info(stream, durable).catch((error: Error) => error);
    if (info instanceof Error) {
      parts.push(`${durable}: ${info.message}`);
      continue;
    }
    parts.push(
      `${durable} (leader ${info.cluster?.leader ?? '-'}): delivered ${info.delivered.stream_seq}, ` +
        `ack floor ${info.ack_floor.stream_seq}, unacked ${info.num_ack_pending}, ` +
        `redelivered ${info.num_redelivered}, pending ${info.num_pending}`,
    );
  }
  const work = (await jsm.streams.info(names.nats.streams.payments.name)).state;
  parts.push(`PAYMENTS queue ${work.messages} messages (seq ${work.first_seq}-${work.last_seq})`);
  return `consumers: ${parts.join('; ')}`;
}
