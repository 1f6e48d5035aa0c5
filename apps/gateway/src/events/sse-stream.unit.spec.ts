import type { ServerResponse } from 'node:http';
import { SseStream } from './sse-stream';

/** A response whose client reads nothing: every write stays in `writableLength`. */
function stalledResponse() {
  const chunks: string[] = [];
  const response = {
    writableLength: 0,
    writableEnded: false,
    writeHead: jest.fn(),
    write(chunk: string) {
      chunks.push(chunk);
      response.writableLength += Buffer.byteLength(chunk);
      return response.writableLength < 16;
    },
    end() {
      response.writableEnded = true;
    },
  };
  return { response, chunks, asResponse: response as unknown as ServerResponse };
}

describe('SseStream', () => {
  it('given a client that stopped reading, when events keep coming, then it drops and counts instead of buffering', () => {
    const { response, chunks, asResponse } = stalledResponse();
    const onDrop = jest.fn();
    const stream = new SseStream(
      asResponse,
      { maxBufferedBytes: 1_000, heartbeatMs: 60_000 },
      onDrop,
    );
    let sent = 0;
    for (let i = 0; i < 500; i++) if (stream.send('order', { i, padding: 'x'.repeat(40) })) sent++;

    // Memory held for this client is bounded by the limit plus one event.
    expect(response.writableLength).toBeLessThan(1_000 + 200);
    expect(sent).toBeGreaterThan(0);
    expect(stream.droppedCount).toBe(500 - sent);
    expect(onDrop).toHaveBeenCalledTimes(500 - sent);
    expect(chunks.filter((chunk) => chunk.startsWith('event: order'))).toHaveLength(sent);
    stream.close();
  });

  it('given a client that caught up after drops, when the next event goes out, then it first learns how many it missed', () => {
    const { response, chunks, asResponse } = stalledResponse();
    const stream = new SseStream(asResponse, { maxBufferedBytes: 100, heartbeatMs: 60_000 });
    while (stream.send('order', { padding: 'x'.repeat(50) }));
    stream.send('order', {}); // dropped too
    response.writableLength = 0; // the client read everything
    expect(stream.send('order', { last: true })).toBe(true);
    expect(chunks.slice(-2)).toEqual([
      `event: dropped\ndata: {"dropped":2}\n\n`,
      `event: order\ndata: {"last":true}\n\n`,
    ]);
    stream.close();
  });

  it('writes SSE headers and a retry hint, and ends the response once on close', () => {
    const { response, chunks, asResponse } = stalledResponse();
    const stream = new SseStream(asResponse, { maxBufferedBytes: 100, heartbeatMs: 60_000 });
    expect(response.writeHead).toHaveBeenCalledWith(
      200,
      expect.objectContaining({ 'content-type': 'text/event-stream; charset=utf-8' }),
    );
    expect(chunks[0]).toBe('retry: 2000\n\n');
    stream.close();
    stream.close();
    expect(response.writableEnded).toBe(true);
    expect(stream.send('order', {})).toBe(false);
  });
});
