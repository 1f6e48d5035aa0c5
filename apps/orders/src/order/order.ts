import {
  assertUnreachable,
  OrderEventTypes,
  type CurrentOrderEvent,
  type EnvelopeMetadata,
  type OrderCancelled,
  type OrderConfirmed,
  type OrderPlaced,
  type OrderRejected,
  type PlaceOrderCommand,
} from '@switchyard/contracts';
import { decidePlaceOrder } from '../placing/place-order.decider';

/**
 * ### An order, as its events make it: the write side's state.
 *
 * `evolve` folds one event into it; `decide` turns a command and the state into the events
 * to append. Both are pure: ids and clocks come in through `DecideContext`, so the same
 * inputs always give the same events (and a unit test can say which).
 */
export type OrderState =
  | { status: 'unknown' }
  | { status: 'open'; placed: OrderPlaced; version: number }
  | {
      status: 'ended';
      placed: OrderPlaced;
      version: number;
      ending: OrderConfirmed | OrderCancelled | OrderRejected;
    };

export const initialOrderState: OrderState = { status: 'unknown' };

export function evolve(state: OrderState, event: CurrentOrderEvent): OrderState {
  switch (event.type) {
    case OrderEventTypes.OrderPlaced:
      return { status: 'open', placed: event, version: event.aggregateVersion };
    case OrderEventTypes.OrderConfirmed:
    case OrderEventTypes.OrderCancelled:
    case OrderEventTypes.OrderRejected:
      // An ending without its OrderPlaced cannot be stored (the first append expects an
      // empty subject); should one appear, the order stays unknown rather than half-made.
      if (state.status === 'unknown') return state;
      return {
        status: 'ended',
        placed: state.placed,
        version: event.aggregateVersion,
        ending: event,
      };
    default:
      return assertUnreachable(event);
  }
}

/**
 * What may happen to an order: placing it (the gateway's request, with the order id the
 * handler chose, passed in like every id), then the saga's and the deadline's commands.
 */
export type OrderCommand =
  | {
      type: 'PlaceOrder';
      orderId: string;
      request: PlaceOrderCommand;
      correlationId: string;
      /** Trace context and other headers to carry along with the event. */
      headers: Record<string, string>;
    }
  | { type: 'ConfirmOrder'; cause: EnvelopeMetadata }
  | { type: 'CancelOrder'; cause: EnvelopeMetadata; reason: string }
  | { type: 'RejectOrder'; cause: EnvelopeMetadata; reason: string };

/** Everything a decision needs from outside, passed in so `decide` stays pure. */
export interface DecideContext {
  eventId: string;
  now: Date;
}

/**
 * The events a command produces. `PlaceOrder` places an unknown order and changes nothing
 * on one that exists (the same request again, under the same Idempotency-Key). An ended
 * order accepts nothing more (a late or repeated message changes nothing): no events. Any
 * other command on an unknown order is a caller's mistake.
 */
export function decide(
  command: OrderCommand,
  state: OrderState,
  context: DecideContext,
): CurrentOrderEvent[] {
  if (command.type === 'PlaceOrder')
    return state.status === 'unknown'
      ? [
          decidePlaceOrder(command.request, {
            orderId: command.orderId,
            correlationId: command.correlationId,
            headers: command.headers,
            ...context,
          }),
        ]
      : [];
  if (state.status === 'unknown') throw new Error(`${command.type}: the order has no events`);
  if (state.status === 'ended') return [];
  const orderId = state.placed.aggregateId;
  const metadata = {
    eventId: context.eventId,
    occurredAt: context.now.toISOString(),
    aggregateId: orderId,
    aggregateVersion: state.version + 1,
    correlationId: command.cause.correlationId,
    causationId: command.cause.eventId,
    headers: command.cause.headers,
    schemaVersion: 1 as const,
  };
  switch (command.type) {
    case 'ConfirmOrder':
      return [
        {
          ...metadata,
          type: OrderEventTypes.OrderConfirmed,
          data: { orderId, confirmedAt: context.now.toISOString() },
        },
      ];
    case 'CancelOrder':
      return [
        {
          ...metadata,
          type: OrderEventTypes.OrderCancelled,
          data: { orderId, reason: command.reason.slice(0, 200) },
        },
      ];
    case 'RejectOrder':
      return [
        {
          ...metadata,
          type: OrderEventTypes.OrderRejected,
          data: { orderId, reason: command.reason.slice(0, 200) },
        },
      ];
    default:
      return assertUnreachable(command);
  }
}
