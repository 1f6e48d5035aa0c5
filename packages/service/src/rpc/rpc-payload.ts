import { HttpStatus } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { toFieldErrors } from '@switchyard/contracts';
import type { z } from 'zod';

/**
 * Validates a request-reply payload against its contracts schema. Never trust the wire,
 * even from our own gateway: a bad payload is answered with a 400 problem and field
 * errors (the gateway passes the status through), never a crash or a silent default.
 */
export function parsePayload<TSchema extends z.ZodType>(
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
