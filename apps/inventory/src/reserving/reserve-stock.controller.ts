import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ReserveStockCommandSchema, type ReserveStockReply } from '@switchyard/contracts';
import { TOPOLOGY } from '../config';
import { toRpcException } from '../rpc-errors';
import { parsePayload } from '@switchyard/service';
import { ReserveStockHandler } from './reserve-stock.handler';

/** `ReserveStock` over NATS request-reply, queue group `inventory`. */
@Controller()
export class ReserveStockController {
  constructor(private readonly handler: ReserveStockHandler) {}

  @MessagePattern(TOPOLOGY.nats.subjects.reserveStock, { queue: TOPOLOGY.nats.queues.inventory })
  async reserve(@Payload() payload: unknown): Promise<ReserveStockReply> {
    const command = parsePayload(
      ReserveStockCommandSchema,
      payload,
      'Invalid ReserveStock command',
    );
    try {
      return await this.handler.handle(command);
    } catch (error) {
      throw toRpcException(error);
    }
  }
}
