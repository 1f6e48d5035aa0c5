import { HttpStatus } from '@nestjs/common';
import { RpcErrorFilter } from '@switchyard/service';
import { ReservationInProgressError } from './reserving/reserve-stock.handler';

/** Inventory's answers to failures: 409 = retry shortly; anything else 503. */
export const INVENTORY_RPC_ERRORS = new RpcErrorFilter(
  [
    {
      error: ReservationInProgressError,
      status: HttpStatus.CONFLICT,
      title: 'Reservation in progress',
    },
  ],
  { status: HttpStatus.SERVICE_UNAVAILABLE, title: 'Inventory unavailable' },
);
