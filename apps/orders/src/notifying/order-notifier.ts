import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  addressOf,
  OrderNotificationEvents,
  publishedChannel,
  toOrderNotification,
  type OrderEvent,
} from '@switchyard/contracts';
import { NATS_CONNECTION, PublishMetrics } from '@switchyard/service';
import { CATALOG, TOPOLOGY } from '../config';

/** At-most-once notifications: the catalog lists orders as their producer. */
const NOTIFICATIONS = publishedChannel(CATALOG, 'orders', 'orderNotifications');
import type { CommandResult } from '../order/order-command.handler';

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
    private readonly metrics: PublishMetrics,
  ) {}

  /** Publishes the notification of each event a command appended; the state has the region. */
  async notifyAll({ state, appended }: CommandResult): Promise<void> {
    if (state.status === 'unknown') return;
    for (const event of appended) await this.notify(event, state.placed.data.region);
  }

  /** Publishes the notification of a stored order event. */
  async notify(event: OrderEvent, region: string): Promise<void> {
    try {
      const notification = toOrderNotification(event, region);
      this.nc.publish(
        addressOf(NOTIFICATIONS, { region, event: OrderNotificationEvents[event.type] }),
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
}
