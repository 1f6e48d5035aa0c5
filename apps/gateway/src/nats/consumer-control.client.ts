import { Injectable } from '@nestjs/common';
import {
  type ConsumerControlAction,
  type ConsumerControlReply,
  type ControlledService,
} from '@switchyard/contracts';
import { RequestReplyClient } from '@switchyard/service';
import { CATALOG } from '../config';

const route = CATALOG.broadcasts.consumerControl;

/**
 * After the last reply of a status round, how long to wait for one more instance. Every
 * instance answers `status` at once, so replies come in a burst: a gap this long means
 * the burst is over.
 */
const STATUS_STALL_MS = 250;

/**
 * ### Broadcast request-reply: one command, one reply per instance.
 *
 * The catalog's `consumerControl` broadcast route, gathered by `RequestReplyClient.gather`
 * (every instance of the service answers; replies validated with the route's schema). The
 * hard part is knowing when the last reply has come, since nobody knows how many
 * instances run:
 * - `status` waits until the replies stop coming (`stall`): cheap, instant answers;
 * - `pause` / `resume` first count the instances with a status round, then wait for
 *   exactly that many replies (`count`), bounded by the request timeout. A pause may
 *   take up to a pull's expiry plus a batch to settle, far longer than a stall window,
 *   so counting first is what lets the answer be both complete and prompt.
 * No instance at all is NATS "no responders" at once, or an empty round: zero replies.
 */
@Injectable()
export class ConsumerControlClient {
  constructor(private readonly client: RequestReplyClient) {}

  status(service: ControlledService): Promise<ConsumerControlReply[]> {
    return this.client.gather(route, service, { action: 'status' }, { stall: STATUS_STALL_MS });
  }

  /** The replies of the instances that acted (zero: nobody runs the service). */
  async command(
    service: ControlledService,
    action: Exclude<ConsumerControlAction, 'status'>,
  ): Promise<ConsumerControlReply[]> {
    const instances = (await this.status(service)).length;
    if (instances === 0) return [];
    return this.client.gather(route, service, { action }, { count: instances });
  }
}
