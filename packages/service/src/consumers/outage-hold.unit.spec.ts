import { JetStreamApiError } from '@nats-io/jetstream';
import { NoRespondersError, TimeoutError } from '@nats-io/transport-node';
import { RemoteProblemError, RequestTimeoutError } from '../rpc/request-reply.client';
import { holdThroughOutage, isOutage } from './outage-hold';

/** What counts as an outage (waited out) and what is the message's own failure (nak'ed at once). */
describe('isOutage', () => {
  it.each([
    ['a NATS request timing out', new TimeoutError()],
    ['no responders', new NoRespondersError('orders.reserve')],
    ['a service not answering in time', new RequestTimeoutError('inventory.reserve', 2_000)],
    [
      'JetStream answering 503',
      new JetStreamApiError({ code: 503, err_code: 10_008, description: 'unavailable' }),
    ],
    [
      'an outage wrapped by the handler',
      new Error('publish failed', { cause: new TimeoutError() }),
    ],
  ])('given %s, then it is an outage', (_, error) => {
    expect(isOutage(error)).toBe(true);
  });

  it.each([
    ['a plain error', new Error('bug')],
    [
      'a wrong last sequence (a lost race, retried by the caller)',
      new JetStreamApiError({ code: 400, err_code: 10_071, description: 'wrong last sequence' }),
    ],
    [
      'a service answering with a problem',
      new RemoteProblemError('x', { status: 409, title: 'c' }),
    ],
  ])('given %s, then it is not', (_, error) => {
    expect(isOutage(error)).toBe(false);
  });
});

describe('holdThroughOutage', () => {
  it('given a failure that is not an outage, then it throws on the first attempt', async () => {
    let attempts = 0;
    const failing = () => {
      attempts++;
      return Promise.reject(new Error('bug'));
    };
    await expect(
      holdThroughOutage(failing, { stopping: new AbortController().signal }),
    ).rejects.toThrow('bug');
    expect(attempts).toBe(1);
  });

  it('given an outage and a shutdown, then it stops holding and throws the outage', async () => {
    const stopping = new AbortController();
    let attempts = 0;
    const failing = () => {
      if (++attempts === 2) stopping.abort();
      return Promise.reject(new TimeoutError());
    };
    await expect(holdThroughOutage(failing, { stopping: stopping.signal })).rejects.toBeInstanceOf(
      TimeoutError,
    );
    expect(attempts).toBe(2);
  });
});
