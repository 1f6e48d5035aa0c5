import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { type PlaceOrderCommand, type PlaceOrderReply } from '@switchyard/contracts';
import { OrderNotifier } from '../notifying/order-notifier';
import { OrderCommandHandler } from '../order/order-command.handler';
import { hashOf, IdempotencyStore } from './idempotency-store';

export interface MessageMetadata {
  correlationId: string;
  headers: Record<string, string>;
}

/**
 * ### Placing an order: choose its id, then the order's one command path.
 *
 * The id is new, or the one an `Idempotency-Key` already stands for (`IdempotencyStore`,
 * remembered longer than JetStream's duplicate window). Then `OrderCommandHandler`, as
 * for every other command: load (skipped for a brand-new id: nothing to read), decide
 * (`PlaceOrder` on an unknown order places it, on a placed one changes nothing), append
 * with expected sequence 0 and the command id as message id, retry a conflict by
 * loading again. So a retried command within the duplicate window, a retry hours later
 * with the same key, and two concurrent requests with one key all answer with one order,
 * stored once.
 */
@Injectable()
export class PlaceOrderHandler {
  private readonly logger = new Logger(PlaceOrderHandler.name);

  constructor(
    private readonly orders: OrderCommandHandler,
    private readonly idempotency: IdempotencyStore,
    private readonly notifier: OrderNotifier,
  ) {}

  async handle(command: PlaceOrderCommand, metadata: MessageMetadata): Promise<PlaceOrderReply> {
    const { orderId, commandId, claimed } = await this.identify(command);
    const result = await this.orders.handle(
      orderId,
      { type: 'PlaceOrder', orderId, request: command, ...metadata },
      { messageId: commandId, newStream: claimed },
    );
    // Core NATS, at-most-once: a listener that is offline right now never sees this.
    // That is fine for a live feed; anything that must not be missed reads JetStream.
    // Only what this call appended: a duplicate was announced by the first attempt.
    await this.notifier.notifyAll(result);
    const duplicate = result.appended.length === 0;
    this.logger.log({ msg: 'order placed', orderId: result.orderId, duplicate });
    return { orderId: result.orderId, status: 'PLACED' };
  }

  /**
   * A new order id, or the one an `Idempotency-Key` already stands for. `claimed`: the
   * id was made for this request just now, so no stream can exist under it yet.
   */
  private async identify(
    command: PlaceOrderCommand,
  ): Promise<{ orderId: string; commandId: string; claimed: boolean }> {
    const orderId = randomUUID();
    if (!command.idempotencyKey) return { orderId, commandId: command.commandId, claimed: true };
    const { customerId, region, items } = command;
    const record = await this.idempotency.claim(command.idempotencyKey, {
      orderId,
      commandId: command.commandId,
      requestHash: hashOf({ customerId, region, items }),
    });
    return {
      orderId: record.orderId,
      commandId: record.commandId,
      claimed: record.orderId === orderId,
    };
  }
}
