import type { ServerResponse } from 'node:http';

export interface SseStreamOptions {
  /** Unread bytes in the socket buffer above which events are dropped, not queued. */
  maxBufferedBytes: number;
  heartbeatMs: number;
}

/**
 * ### One Server-Sent Events response, with a bounded buffer
 *
 * `response.write()` never refuses data: when the client reads slower than we write,
 * Node keeps the rest in memory, without limit. With a firehose of notifications one
 * stalled browser tab would grow the gateway's heap until it dies. So each event first
 * checks how much is still unread (`writableLength`); above the limit the event is
 * dropped and counted instead of queued.
 *
 * Dropping is the honest choice here, not a shortcut: the feed is fed by core NATS and
 * is at-most-once from its first hop (an offline listener misses messages anyway). A
 * client that needs every event reads JetStream or Kafka, not this stream. The client
 * learns how many it missed from the `dropped` event sent once it catches up.
 */
export class SseStream {
  private dropped = 0;
  private reportedDropped = 0;
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly response: ServerResponse,
    private readonly options: SseStreamOptions,
    private readonly onDrop: () => void = () => {},
  ) {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Tells nginx-style proxies not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    // No `id:` lines on purpose: there is no history to resume from, so a browser's
    // `Last-Event-ID` would promise something the server cannot keep. `retry` tells
    // EventSource how soon to reconnect.
    response.write('retry: 2000\n\n');
    // A comment line every so often keeps idle connections open through proxies and
    // lets the client notice a dead server.
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n', true), options.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Sends one event; returns false when it was dropped because the client is behind. */
  send(event: string, data: unknown): boolean {
    if (this.closed) return false;
    if (this.response.writableLength > this.options.maxBufferedBytes) {
      this.dropped += 1;
      this.onDrop();
      return false;
    }
    if (this.dropped > this.reportedDropped) {
      this.reportedDropped = this.dropped;
      this.write(`event: dropped\ndata: ${JSON.stringify({ dropped: this.dropped })}\n\n`);
    }
    this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    return true;
  }

  /** Events dropped for this client so far. */
  get droppedCount(): number {
    return this.dropped;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    if (!this.response.writableEnded) this.response.end();
  }

  private write(chunk: string, skipWhenBehind = false): void {
    if (this.closed || this.response.writableEnded) return;
    if (skipWhenBehind && this.response.writableLength > this.options.maxBufferedBytes) return;
    this.response.write(chunk);
  }
}
