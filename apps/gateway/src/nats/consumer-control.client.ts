import { Inject, Injectable, Logger } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { NoRespondersError, type Msg, type NatsConnection } from '@nats-io/transport-node';
import {
  ConsumerControlReplySchema,
  type ConsumerControlAction,
  type ConsumerControlReply,
  type ControlledService,
} from '@switchyard/contracts';
import { config, TOPOLOGY } from '../config';
import { REQUEST_REPLY_TRANSPORT } from '@switchyard/service';

/**
 * After the last reply of a status round, how long to wait for one more instance. Every
 * instance answers `status` at once, so replies come in a burst: a gap this long means
 * the burst is over.
 */
const STATUS_STALL_MS = 250;

/**
 * ### Broadcast request-reply: one command, one reply per instance.
 *
 * `control.<service>.consumers` has no queue group, so every instance receives the
 * command, and `requestMany` collects several replies to one request. The hard part is
 * knowing when the last reply has come, since nobody knows how many instances run:
 * - `status` waits until the replies stop coming (`stall`): cheap, instant answers;
 * - `pause` / `resume` first count the instances with a status round, then wait for
 *   exactly that many replies (`count`), bounded by the request timeout. A pause may
 *   take up to a pull's expiry plus a batch to settle, far longer than a stall window,
 *   so counting first is what lets the answer be both complete and prompt.
 * No instance at all is NATS "no responders" at once, or an empty round: zero replies.
 */
@Injectable()
export class ConsumerControlClient {
  private readonly logger = new Logger(ConsumerControlClient.name);

  constructor(@Inject(REQUEST_REPLY_TRANSPORT) private readonly client: ClientProxy) {}

  status(service: ControlledService): Promise<ConsumerControlReply[]> {
    return this.gather(service, 'status', { strategy: 'stall', stall: STATUS_STALL_MS });
  }

  /** The replies of the instances that acted (zero: nobody runs the service). */
  async command(
    service: ControlledService,
    action: Exclude<ConsumerControlAction, 'status'>,
  ): Promise<ConsumerControlReply[]> {
    const instances = (await this.status(service)).length;
    if (instances === 0) return [];
    return this.gather(service, action, { strategy: 'count', maxMessages: instances });
  }

  private async gather(
    service: ControlledService,
    action: ConsumerControlAction,
    options: { strategy: 'stall'; stall: number } | { strategy: 'count'; maxMessages: number },
  ): Promise<ConsumerControlReply[]> {
    await this.client.connect();
    const nc = this.client.unwrap<NatsConnection>();
    const replies: ConsumerControlReply[] = [];
    try {
      const messages = await nc.requestMany(
        TOPOLOGY.nats.subjects.consumerControl(service),
        JSON.stringify({ action }),
        { ...options, maxWait: config.NATS_REQUEST_TIMEOUT_MS },
      );
      for await (const message of messages) {
        const reply = parseReply(message);
        if (reply) replies.push(reply);
        else this.logger.warn(`ignored a malformed consumer control reply from ${service}`);
      }
    } catch (error) {
      if (!(error instanceof NoRespondersError)) throw error;
    }
    return replies;
  }
}

function parseReply(message: Msg): ConsumerControlReply | undefined {
  try {
    const parsed = ConsumerControlReplySchema.safeParse(message.json());
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
