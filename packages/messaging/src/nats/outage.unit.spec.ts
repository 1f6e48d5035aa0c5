import { JetStreamApiError } from '@nats-io/jetstream';
import { NoRespondersError, TimeoutError } from '@nats-io/transport-node';
import { declareThroughOutage, isNatsOutage } from './outage';

describe('isNatsOutage', () => {
  it.each([
    ['a request timing out', new TimeoutError()],
    ['no responders', new NoRespondersError('$JS.API.STREAM.CREATE.X')],
    [
      'JetStream answering 503',
      new JetStreamApiError({ code: 503, err_code: 10_008, description: 'unavailable' }),
    ],
    ['an outage wrapped by the caller', new Error('create failed', { cause: new TimeoutError() })],
  ])('given %s, then it is an outage', (_, error) => {
    expect(isNatsOutage(error)).toBe(true);
  });

  it.each([
    ['a plain error', new Error('bug')],
    [
      'a refused config',
      new JetStreamApiError({ code: 400, err_code: 10_058, description: 'stream name in use' }),
    ],
  ])('given %s, then it is not', (_, error) => {
    expect(isNatsOutage(error)).toBe(false);
  });
});

describe('declareThroughOutage', () => {
  it('given a declaration that times out twice, then it is asked again and its answer returned', async () => {
    let attempts = 0;
    const declared = await declareThroughOutage(async () => {
      if (++attempts < 3) throw new TimeoutError();
      return 'created';
    });
    expect(declared).toBe('created');
    expect(attempts).toBe(3);
  });

  it('given a refusal that is not an outage, then it throws on the first attempt', async () => {
    let attempts = 0;
    const refused = new JetStreamApiError({
      code: 400,
      err_code: 10_058,
      description: 'stream name in use',
    });
    await expect(
      declareThroughOutage(async () => {
        attempts++;
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(attempts).toBe(1);
  });

  it('given an outage that outlasts the bound, then its error is thrown', async () => {
    await expect(
      declareThroughOutage(async () => {
        throw new TimeoutError();
      }, 300),
    ).rejects.toBeInstanceOf(TimeoutError);
  });
});
