import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ClientProxy, NatsRecordBuilder } from '@nestjs/microservices';
import {
  ReleaseStockReplySchema,
  ReserveStockReplySchema,
  type OrderLine,
  type ReleaseStockReply,
  type ReserveStockReply,
} from '@switchyard/contracts';
import { firstValueFrom, timeout } from 'rxjs';
import { toNatsHeaders, withProducerSpan } from '@switchyard/messaging';
import { TOPOLOGY } from '../config';

export const RPC_CLIENT = Symbol('orders:rpc-client');

const REQUEST_TIMEOUT_MS = 5_000;

/**
 * Request-reply to the inventory service. Any failure (no responders, timeout, an error
 * answer such as "reservation in progress") throws: the saga step is then nak'ed and
 * JetStream redelivers it later. The saga never guesses an inventory answer.
 */
@Injectable()
export class InventoryClient implements OnApplicationShutdown {
  constructor(@Inject(RPC_CLIENT) private readonly client: ClientProxy) {}

  async reserve(
    orderId: string,
    items: OrderLine[],
    headers: Record<string, string>,
  ): Promise<ReserveStockReply> {
    const reply = await this.request(
      TOPOLOGY.nats.subjects.reserveStock,
      { orderId, items },
      headers,
    );
    return ReserveStockReplySchema.parse(reply);
  }

  async release(orderId: string, headers: Record<string, string>): Promise<ReleaseStockReply> {
    const reply = await this.request(TOPOLOGY.nats.subjects.releaseStock, { orderId }, headers);
    return ReleaseStockReplySchema.parse(reply);
  }

  /** A CLIENT span per request; inventory's handler span is its child (NATS headers). */
  private request(
    subject: string,
    data: unknown,
    headers: Record<string, string>,
  ): Promise<unknown> {
    return withProducerSpan(
      { system: 'nats', operation: 'request', destination: subject },
      headers,
      (traced) => {
        const record = new NatsRecordBuilder(data).setHeaders(toNatsHeaders(traced)).build();
        return firstValueFrom(
          this.client.send<unknown>(subject, record).pipe(timeout(REQUEST_TIMEOUT_MS)),
        );
      },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
