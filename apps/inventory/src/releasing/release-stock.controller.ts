import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ReleaseStockCommandSchema, type ReleaseStockReply } from '@switchyard/contracts';
import { TOPOLOGY } from '../config';
import { toRpcException } from '../rpc-errors';
import { parsePayload } from '@switchyard/service';
import { ReleaseStockHandler } from './release-stock.handler';

/** `ReleaseStock` over NATS request-reply, queue group `inventory`. */
@Controller()
export class ReleaseStockController {
  constructor(private readonly handler: ReleaseStockHandler) {}

  @MessagePattern(TOPOLOGY.nats.subjects.releaseStock, { queue: TOPOLOGY.nats.queues.inventory })
  async release(@Payload() payload: unknown): Promise<ReleaseStockReply> {
    const command = parsePayload(
      ReleaseStockCommandSchema,
      payload,
      'Invalid ReleaseStock command',
    );
    try {
      return await this.handler.handle(command);
    } catch (error) {
      throw toRpcException(error);
    }
  }
}
