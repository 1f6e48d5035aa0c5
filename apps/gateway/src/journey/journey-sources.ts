import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { JetStreamManager, StoredMsg } from '@nats-io/jetstream';
import { EnvelopeMetadataSchema, InventoryKeys, type OrderJourney } from '@switchyard/contracts';
import { kvStreamName, subjectMessages } from '@switchyard/messaging';
import { JETSTREAM_MANAGER } from '@switchyard/service';
import { CATALOG, config, TOPOLOGY } from '../config';
import { problem } from '../http/problem-details';
import { ServiceClient } from '../nats/service-client';
import { assembleJourney, type KvWrite, type StoredEvent } from './journey';

/**
 * ### Where an order's journey is read from: only what the system keeps anyway
 *
 * - the order's subject in ORDERS (`next_by_subj`, oldest first): each append's stream
 *   sequence, server time, `Nats-Msg-Id` and envelope (with the gateway's `requestedAt`);
 * - the inventory's `reservation.<orderId>` entry: a KV bucket is a stream, and its last
 *   message on the key is the reservation's last write, with the server's time;
 * - the order's subject in PAYMENT_EVENTS: the payment outcome;
 * - the live projector's journal (`GetOrderJourney`): Kafka positions, forward and write times.
 *
 * Read-only and admin-only; a handful of direct gets per call.
 */
@Injectable()
export class JourneySources {
  constructor(
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    private readonly services: ServiceClient,
  ) {}

  async journey(orderId: string, headers: Record<string, string>): Promise<OrderJourney> {
    const { streams, subjects, kv } = TOPOLOGY.nats;
    const orderEvents = await this.allOnSubject(streams.orders.name, subjects.orderEvents(orderId));
    if (orderEvents.length === 0) {
      throw new NotFoundException(
        problem(404, 'Order not found', { detail: `No events of order ${orderId} in JetStream.` }),
      );
    }
    const [payment, reservation, projected] = await Promise.all([
      this.lastOnSubject(streams.paymentEvents.name, subjects.paymentEvents(orderId)),
      this.kvWrite(kv.inventory.name, InventoryKeys.reservation(orderId)),
      this.services.request(CATALOG.routes.getOrderJourney, { orderId }, headers),
    ]);
    return assembleJourney({
      orderId,
      placeOrderSubject: subjects.placeOrder,
      orderEvents,
      payment: payment ? storedEvent(streams.paymentEvents.name, payment) : undefined,
      reservation,
      projected: projected.events,
      readModel: `${TOPOLOGY.postgres.schema}.orders`,
      jaegerUiUrl: config.JAEGER_UI_URL,
    });
  }

  private async allOnSubject(stream: string, subject: string): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    for await (const message of subjectMessages(this.jsm, stream, subject)) {
      const event = storedEvent(stream, message);
      if (event) events.push(event);
    }
    return events;
  }

  private lastOnSubject(stream: string, subject: string): Promise<StoredMsg | null> {
    return this.jsm.streams.getMessage(stream, { last_by_subj: subject });
  }

  private async kvWrite(bucket: string, key: string): Promise<KvWrite | undefined> {
    // nats.js' KV layout: bucket `B` is stream `KV_B`, key `k` its subject `$KV.B.k`.
    const message = await this.lastOnSubject(kvStreamName(bucket), `$KV.${bucket}.${key}`);
    return message
      ? { bucket, key, revision: message.seq, writtenAt: message.time.toISOString() }
      : undefined;
  }
}

/** A stored message with its envelope; one that is not an envelope is left out. */
function storedEvent(stream: string, message: StoredMsg): StoredEvent | undefined {
  let json: unknown;
  try {
    json = message.json();
  } catch {
    return undefined;
  }
  const envelope = EnvelopeMetadataSchema.safeParse(json);
  if (!envelope.success) return undefined;
  const msgId = message.header?.get('Nats-Msg-Id');
  return {
    stream,
    subject: message.subject,
    seq: message.seq,
    storedAt: message.time.toISOString(),
    ...(msgId ? { msgId } : {}),
    envelope: envelope.data,
  };
}
