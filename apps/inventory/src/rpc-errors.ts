import { HttpStatus } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { toFieldErrors } from '@switchyard/contracts';
import type { z } from 'zod';
import { ReservationInProgressError } from './reserving/reserve-stock.handler';

/** Validates a request payload; a bad one is answered 400 with field errors. */
export function parseOrReject<TSchema extends z.ZodType>(
  schema: TSchema,
  payload: unknown,
  title: string,
): z.infer<TSchema> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  throw new RpcException({
    status: HttpStatus.BAD_REQUEST,
    title,
    errors: toFieldErrors(result.error),
  });
}

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
