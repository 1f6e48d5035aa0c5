import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  OrderEventSchema,
  OrderNotificationEvents,
  toOrderNotification,
  type OrderEvent,
} from '@switchyard/contracts';
import { JETSTREAM_MANAGER, NATS_CONNECTION, PublishMetrics } from '@switchyard/service';
import { TOPOLOGY } from '../config';

/**
 * ### Live notifications: core NATS, at-most-once, after the fact
 *
 * Call `notify` only with an event whose JetStream append has resolved (PubAck received):
 * a notification announces something that is stored, never something that might not be.
 *
 * Then it publishes on core NATS and forgets. Nobody acknowledges it and nothing retries
 * it: a listener that is offline, slow, or between reconnects never sees it, and neither
 * does anyone if this process dies between the append and the publish. That is the
 * contract of a live feed (the gateway's `GET /events`), and why it costs nothing on the
 * write path. Anything that must not miss an event consumes JetStream or Kafka instead.
 *
 * For the same reason `notify` never throws: a failed notification must not fail (and so
 * retry) the business step that already happened.
 */
@Injectable()
export class OrderNotifier {
  private readonly logger = new Logger(OrderNotifier.name);

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    private readonly metrics: PublishMetrics,
  ) {}

  /**
   * Publishes the notification of a stored order event. `event` may be `undefined` (the
   * saga step found nothing left to append): then there is nothing to announce. `region`
   * is looked up in the order's `OrderPlaced` when the caller does not know it.
   */
  async notify(event: OrderEvent | undefined, region?: string): Promise<void> {
    if (!event) return;
    try {
      const where = region ?? (await this.regionOf(event.aggregateId));
      const notification = toOrderNotification(event, where);
      this.nc.publish(
        TOPOLOGY.nats.subjects.orderNotification(where, OrderNotificationEvents[event.type]),
        JSON.stringify(notification),
      );
      this.metrics.published('core', TOPOLOGY.nats.subjects.allOrderNotifications);
    } catch (error) {
      // At-most-once: log and move on; the event itself is safe in JetStream.
      this.logger.warn({
        msg: 'notification dropped',
        orderId: event.aggregateId,
        err: String(error),
      });
    }
  }

  /** The region of an order: its first event (`OrderPlaced`, any version) carries it. */
  private async regionOf(orderId: string): Promise<string> {
    // "The first message on this subject at or after sequence 0". The server has answered
    // `next_by_subj` since 2.9; nats.js types it only for direct gets, hence the variable
    // (a plain `{ seq }` request to the type checker, the full request on the wire).
    const firstOfOrder = { seq: 0, next_by_subj: TOPOLOGY.nats.subjects.orderEvents(orderId) };
    const first = await this.jsm.streams.getMessage(
      TOPOLOGY.nats.streams.orders.name,
      firstOfOrder,
    );
    const placed = first ? OrderEventSchema.parse(first.json()) : undefined;
    if (placed?.type !== 'OrderPlaced') throw new Error(`order ${orderId} has no OrderPlaced`);
    return placed.data.region;
  }
}
