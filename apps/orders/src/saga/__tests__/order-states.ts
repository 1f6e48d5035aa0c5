import { randomUUID } from 'node:crypto';
import type { OrderPlaced } from '@switchyard/contracts';
import { decide, evolve, initialOrderState, type OrderState } from '../../order/order';

/** The order right after `placed`: open. */
export const open = (placed: OrderPlaced): OrderState => evolve(initialOrderState, placed);

/** The order after `placed`, ended by the payment (`ConfirmOrder`) or a cancel (`CancelOrder`). */
export function endedBy(placed: OrderPlaced, type: 'ConfirmOrder' | 'CancelOrder'): OrderState {
  const command =
    type === 'ConfirmOrder'
      ? ({ type, cause: placed } as const)
      : ({ type, cause: placed, reason: 'timed out' } as const);
  const [event] = decide(command, open(placed), { eventId: randomUUID(), now: new Date() });
  return evolve(open(placed), event!);
}
