import {
  ClientNats,
  type MsPattern,
  type ReadPacket,
  type WritePacket,
} from '@nestjs/microservices';
import {
  createInbox,
  nuid,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';

type ReplyHandler = (error: Error | null, message: Msg) => unknown;

/**
 * ### Nest's NATS client, with one reply subscription instead of one per request.
 *
 * `ClientNats.send` subscribes a fresh inbox for every request and unsubscribes it when
 * the reply came: SUB + PUB + UNSUB on the wire, and two changes to the server's
 * subscription table (each one invalidates its routing cache) per request. nats.js's own
 * `nc.request` does not: it subscribes `_INBOX.<id>.*` once and tells replies apart by
 * the last token. This client does the same under Nest's `ClientProxy` API:
 * - one wildcard subscription per connection, `<inbox>.*`, made on the first request;
 * - each request gets `<inbox>.<token>` as its reply subject and a handler in a map;
 *   Nest's own per-request handler (`createSubscriptionHandler`: deserialising, the
 *   packet id check, `isDisposed` for streamed replies) runs unchanged;
 * - the teardown Nest calls (reply done, `timeout()` fired, unsubscribed) removes the
 *   handler: a late reply then finds nobody and is dropped, as with a removed inbox,
 *   and counted (`droppedReplies`).
 *
 * Measured in the bench (measurement 1) against `ClientNats` on the same machine.
 * Use it with `ClientsModule.register([{ name, customClass: MuxedReplyClientNats, options }])`.
 */
export class MuxedReplyClientNats extends ClientNats {
  private readonly replies = new Map<string, ReplyHandler>();
  private dropped = 0;
  private inbox:
    { prefix: string; connection: NatsConnection; subscription: Subscription } | undefined;

  protected override publish(
    partialPacket: ReadPacket,
    callback: (packet: WritePacket) => unknown,
  ): () => void {
    const packet = this.assignPacketId(partialPacket);
    this.routingMap.set(packet.id, callback);
    let replySubject: string | undefined;
    const teardown = () => {
      this.routingMap.delete(packet.id);
      if (replySubject) this.replies.delete(replySubject);
    };
    try {
      const channel = this.normalizePattern(partialPacket.pattern as MsPattern);
      // Nest's NATS record serializer: the JSON packet and the caller's headers.
      const serialized = this.serializer.serialize(packet) as {
        data: Uint8Array | string;
        headers?: unknown;
      };
      replySubject = `${this.replyPrefix()}.${nuid.next()}`;
      this.replies.set(replySubject, this.createSubscriptionHandler(packet, callback));
      this.connection().publish(channel, serialized.data, {
        reply: replySubject,
        headers: this.mergeHeaders<MsgHdrs>(serialized.headers as MsgHdrs | undefined) as MsgHdrs,
      });
      return teardown;
    } catch (error) {
      teardown();
      callback({ err: error });
      return () => undefined;
    }
  }

  /** The connection's reply prefix; subscribes `<prefix>.*` once per connection. */
  private replyPrefix(): string {
    const connection = this.connection();
    // A new connection (after close() and connect()) needs its own subscription.
    if (this.inbox?.connection === connection) return this.inbox.prefix;
    const prefix = createInbox(this.options.inboxPrefix);
    const subscription = connection.subscribe(`${prefix}.*`, {
      callback: (error, message) => {
        if (error) {
          // The subscription itself failed (permissions): every request waiting on it
          // gets the error, as each would have on its own inbox.
          for (const handler of this.replies.values()) void handler(error, message);
          return;
        }
        const handler = this.replies.get(message.subject);
        if (handler) void handler(null, message);
        else this.dropped += 1;
      },
    });
    this.inbox = { prefix, connection, subscription };
    return prefix;
  }

  /** Requests waiting for their reply (or for their teardown): 0 when idle. */
  get pendingReplies(): number {
    return this.replies.size;
  }

  /**
   * Replies that came for a request nobody waits for any more (its `timeout()` fired or
   * the caller unsubscribed) and were dropped, since this client was created. The
   * responder did the work and the caller gave up on it: a count that keeps rising says
   * the callers' timeouts are shorter than the responders' latency.
   */
  get droppedReplies(): number {
    return this.dropped;
  }

  private connection(): NatsConnection {
    if (!this.natsClient) throw new Error('the NATS client is not connected');
    return this.natsClient as unknown as NatsConnection;
  }

  override async close(): Promise<void> {
    this.inbox?.subscription.unsubscribe();
    this.inbox = undefined;
    this.replies.clear();
    await super.close();
  }
}
