import { HttpStatus } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ReservationInProgressError } from './reserving/reserve-stock.handler';

/** Maps handler failures to answers a caller can act on (409 = retry shortly). */
export function toRpcException(error: unknown): RpcException {
  if (error instanceof ReservationInProgressError) {
    return new RpcException({
      status: HttpStatus.CONFLICT,
      title: 'Reservation in progress',
      detail: error.message,
    });
  }
  return new RpcException({
    status: HttpStatus.SERVICE_UNAVAILABLE,
    title: 'Inventory unavailable',
    detail: (error as Error).message,
  });
}
