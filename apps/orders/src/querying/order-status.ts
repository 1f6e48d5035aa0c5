import { assertUnreachable, type OrderStatus } from '@switchyard/contracts';
import type { OrderState } from '../order/order';

/** The status an order's state shows, as the read model will show it a moment later. */
export function statusOf(state: Exclude<OrderState, { status: 'unknown' }>): OrderStatus {
  if (state.status === 'open') return 'PLACED';
  switch (state.ending.type) {
    case 'OrderConfirmed':
      return 'CONFIRMED';
    case 'OrderCancelled':
      return 'CANCELLED';
    case 'OrderRejected':
      return 'REJECTED';
    default:
      return assertUnreachable(state.ending);
  }
}
