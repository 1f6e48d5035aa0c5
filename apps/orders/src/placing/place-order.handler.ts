import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { PlaceOrderCommand, PlaceOrderReply } from '@switchyard/contracts';
import { NATS_CONNECTION } from '@switchyard/service';
import { TOPOLOGY } from '../config';
import { OrderEventStore } from '../event-store/order-event-store';
import { decidePlaceOrder } from './place-order.decider';

export interface MessageMetadata {
  correlationId: string;
  headers: Record<string, string>;
}

@Injectable()
export class PlaceOrderHandler {
  private readonly logger = new Logger(PlaceOrderHandler.name);

  constructor(
    private readonly store: OrderEventStore,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
  ) {}

  async handle(command: PlaceOrderCommand, metadata: MessageMetadata): Promise<PlaceOrderReply> {
    const event = decidePlaceOrder(command, {
      orderId: randomUUID(),
      eventId: randomUUID(),
      now: new Date(),
      ...metadata,
    });
    // The command id is the message id: a retried command within the duplicate window
    // is stored once, and the retry gets the first attempt's order id back.
    // A new order's subject must be empty: expected last sequence 0.
    const { stored, duplicate } = await this.store.append(event, {
      expectedLastSequence: 0,
      messageId: command.commandId,
    });

    if (!duplicate) {
      // Core NATS, at-most-once: a listener that is offline right now never sees this.
      // That is fine for a live feed; anything that must not be missed reads JetStream.
      // (Not a duplicate: what was stored is `event`, this `OrderPlaced`.)
      this.nc.publish(
        TOPOLOGY.nats.subjects.orderPlacedNotification(event.data.region),
        JSON.stringify({
          orderId: event.data.orderId,
          region: event.data.region,
          occurredAt: event.occurredAt,
        }),
      );
    }
    this.logger.log({ msg: 'order placed', orderId: stored.aggregateId, duplicate });
    return { orderId: stored.aggregateId, status: 'PLACED' };
  }
}
