import { randomUUID } from 'node:crypto';
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';

export interface NestReply<T> {
  response?: T;
  err?: unknown;
  isDisposed?: boolean;
}

/**
 * Request-reply to a NestJS `@MessagePattern` handler from a plain nats.js client.
 * Nest expects its packet envelope `{ pattern, data, id }` and answers with
 * `{ response | err, isDisposed, id }`: this is the whole wire protocol.
 */
export async function nestRequest<T>(
  nc: NatsConnection,
  subject: string,
  data: unknown,
  options: { headers?: MsgHdrs; timeoutMs?: number } = {},
): Promise<NestReply<T>> {
  const reply = await nc.request(
    subject,
    JSON.stringify({ pattern: subject, data, id: randomUUID() }),
    {
      timeout: options.timeoutMs ?? 5_000,
      headers: options.headers,
    },
  );
  return reply.json<NestReply<T>>();
}
