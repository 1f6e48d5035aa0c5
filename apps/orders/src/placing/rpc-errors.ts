import { HttpStatus } from '@nestjs/common';
import { RpcErrorFilter } from '@switchyard/service';
import { ConcurrencyConflictError } from '../event-store/order-event-store';
import { IdempotencyKeyReusedError } from './idempotency-store';

/**
 * The orders service's answers to failures. Anything else means JetStream did not
 * confirm the write: nothing is promised, and the caller may retry with the same command
 * id without getting a second order.
 */
export const ORDERS_RPC_ERRORS = new RpcErrorFilter(
  [
    {
      error: IdempotencyKeyReusedError,
      status: HttpStatus.UNPROCESSABLE_ENTITY,
      title: 'Idempotency-Key reused',
    },
    { error: ConcurrencyConflictError, status: HttpStatus.CONFLICT, title: 'Concurrent change' },
  ],
  { status: HttpStatus.SERVICE_UNAVAILABLE, title: 'Order could not be stored' },
);
