/** One Server-Sent Event as a browser's `EventSource` would dispatch it. */
export interface SseEvent {
  event: string;
  data: string;
}

export interface EventStreamClient {
  /** Every event received so far, in order (comments like heartbeats are skipped). */
  readonly events: SseEvent[];
  /** Resolves when the server sent `ready` (its NATS subscriptions are active). */
  readonly ready: Promise<void>;
  /** Hangs up, like a closed tab: the server sees the connection close. */
  close(): void;
}

/**
 * A minimal SSE client over `fetch`, for tests: Node has no `EventSource`. It parses the
 * `event:`/`data:` fields the gateway sends and never reconnects by itself, so a test
 * decides exactly when the subscriber is offline.
 */
export function openEventStream(
  url: string,
  headers: Record<string, string> = {},
): EventStreamClient {
  const abort = new AbortController();
  const events: SseEvent[] = [];
  let markReady: () => void = () => {};
  let failReady: (error: unknown) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });

  void (async () => {
    try {
      const response = await fetch(url, { headers, signal: abort.signal });
      if (response.status !== 200 || !response.body) {
        throw new Error(`GET ${url} answered ${response.status}`);
      }
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = parseBlock(block);
          if (!event) continue;
          events.push(event);
          if (event.event === 'ready') markReady();
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) failReady(error);
    }
  })();

  return { events, ready, close: () => abort.abort() };
}

function parseBlock(block: string): SseEvent | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue; // a comment: heartbeat
    if (line.startsWith('event: ')) event = line.slice('event: '.length);
    else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
  }
  return data.length > 0 ? { event, data: data.join('\n') } : undefined;
}
