import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  type OrderEvent,
  type PlaceOrderCommand,
  type PlaceOrderReply,
} from '@switchyard/contracts';
import { ConcurrencyConflictError, OrderEventStore } from '../event-store/order-event-store';
import { OrderNotifier } from '../notifying/order-notifier';
import { hashOf, IdempotencyStore } from './idempotency-store';
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
    private readonly idempotency: IdempotencyStore,
    private readonly notifier: OrderNotifier,
  ) {}

  async handle(command: PlaceOrderCommand, metadata: MessageMetadata): Promise<PlaceOrderReply> {
    const { orderId, commandId } = await this.identify(command);
    // Retried beyond the duplicate window with the same Idempotency-Key: already stored.
    if (command.idempotencyKey && (await this.store.load(orderId)).sequence > 0) {
      this.logger.log({ msg: 'order placed', orderId, duplicate: true });
      return { orderId, status: 'PLACED' };
    }
    const event = decidePlaceOrder(command, {
      orderId,
      eventId: randomUUID(),
      now: new Date(),
      ...metadata,
    });
    // The command id is the message id: a retried command within the duplicate window
    // is stored once, and the retry gets the first attempt's order id back.
    // A new order's subject must be empty: expected last sequence 0.
    let result: { stored: OrderEvent; duplicate: boolean };
    try {
      result = await this.store.append(event, { expectedLastSequence: 0, messageId: commandId });
    } catch (error) {
      // Two requests with one Idempotency-Key raced past the check above: the loser's
      // append finds the order already there, which is the answer it wanted anyway.
      if (!(error instanceof ConcurrencyConflictError && command.idempotencyKey)) throw error;
      return { orderId, status: 'PLACED' };
    }
    const { stored, duplicate } = result;

    if (!duplicate) {
      // Core NATS, at-most-once: a listener that is offline right now never sees this.
      // That is fine for a live feed; anything that must not be missed reads JetStream.
      // (Not a duplicate: what was stored is `event`, this `OrderPlaced`.)
      await this.notifier.notify(event, event.data.region);
    }
    this.logger.log({ msg: 'order placed', orderId: stored.aggregateId, duplicate });
    return { orderId: stored.aggregateId, status: 'PLACED' };
  }

  /** A new order id, or the one an `Idempotency-Key` already stands for. */
  private async identify(
    command: PlaceOrderCommand,
  ): Promise<{ orderId: string; commandId: string }> {
    if (!command.idempotencyKey) return { orderId: randomUUID(), commandId: command.commandId };
    const { customerId, region, items } = command;
    const record = await this.idempotency.claim(command.idempotencyKey, {
      orderId: randomUUID(),
      commandId: command.commandId,
      requestHash: hashOf({ customerId, region, items }),
    });
    return { orderId: record.orderId, commandId: record.commandId };
  }
}
