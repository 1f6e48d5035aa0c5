import type { EventEmitter } from 'node:events';

/**
 * kafkajs' per-connection request queue, as patched by patches/kafkajs+2.2.4.patch
 * (ADR 0028): its check timer is armed only while a request waits, and what it is for,
 * holding requests while the broker throttles us or while the in-flight limit is reached,
 * works as before. Fake timers (Date.now included) make the throttle windows exact.
 */
interface PushedRequest {
  entry: {
    correlationId: number;
    apiKey: number;
    apiName: string;
    apiVersion: number;
    resolve(): void;
    reject(): void;
  };
  expectResponse: boolean;
  sendRequest(): void;
}
interface RequestQueue extends EventEmitter {
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  push(request: PushedRequest): void;
  maybeThrottle(clientSideThrottleTime: number | null): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  destroy(): void;
}
type RequestQueueClass = new (options: {
  maxInFlightRequests: number | null;
  requestTimeout: number;
  enforceRequestTimeout: boolean;
  clientId: string;
  broker: string;
  logger: { debug(): void; warn(): void };
}) => RequestQueue;
// Internal, untyped module of kafkajs: the class every broker connection owns.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueueImpl = require('kafkajs/src/network/requestQueue') as RequestQueueClass;

function queue(maxInFlightRequests: number | null = null): RequestQueue {
  return new RequestQueueImpl({
    maxInFlightRequests,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'unit',
    broker: 'localhost:9092',
    logger: { debug() {}, warn() {} },
  });
}

/** A request that records when it went out on the socket. */
function request(correlationId: number, sent: number[]): PushedRequest {
  return {
    entry: {
      correlationId,
      apiKey: 0,
      apiName: 'Produce',
      apiVersion: 7,
      resolve() {},
      reject() {},
    },
    expectResponse: true,
    sendRequest: () => sent.push(correlationId),
  };
}

const response = (correlationId: number) => ({ correlationId, payload: Buffer.alloc(0), size: 0 });

describe('kafkajs RequestQueue (patched): the check timer', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_800_000_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('given a queue that was never throttled, a response arms no timer (2.2.4 armed one of -1 - now ms, re-armed every 1 ms)', () => {
    const q = queue();
    const sent: number[] = [];

    q.push(request(1, sent));
    q.fulfillRequest(response(1));

    expect(sent).toEqual([1]);
    expect(q.throttleCheckTimeoutId).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('given the broker throttles us for 500 ms, a request waits until the throttle ends, then goes out', () => {
    const q = queue();
    const sent: number[] = [];
    q.push(request(1, sent));
    q.maybeThrottle(500); // what a response's throttle_time_ms does (KIP-219)
    q.fulfillRequest(response(1));

    q.push(request(2, sent));
    jest.advanceTimersByTime(499);
    expect(sent).toEqual([1]);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual([1, 2]);

    q.fulfillRequest(response(2));
    jest.advanceTimersByTime(1_000);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('given the throttle is extended while a request waits, it waits for the new end', () => {
    const q = queue();
    const sent: number[] = [];
    q.maybeThrottle(100);
    q.push(request(1, sent));
    jest.advanceTimersByTime(50);
    q.maybeThrottle(200); // now ends at 250 ms

    jest.advanceTimersByTime(199);
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual([1]);
  });

  it('given the in-flight limit is reached, the next request goes out when a response arrives, and no timer outlives it', () => {
    const q = queue(1);
    const sent: number[] = [];
    q.push(request(1, sent));
    q.push(request(2, sent));
    expect(sent).toEqual([1]);

    q.fulfillRequest(response(1));
    expect(sent).toEqual([1, 2]);
    q.fulfillRequest(response(2));

    jest.advanceTimersByTime(1_000);
    expect(jest.getTimerCount()).toBe(0);
  });
});
