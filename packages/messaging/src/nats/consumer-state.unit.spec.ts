import { JetStreamApiError, type ConsumerInfo } from '@nats-io/jetstream';
import { jetStreamConsumerState, type ConsumerStateManager } from './consumer-state';

function managerAnswering(info: () => Promise<ConsumerInfo>): ConsumerStateManager {
  return { consumers: { info } };
}

describe('jetStreamConsumerState', () => {
  it("maps the server's consumer info", async () => {
    const jsm = managerAnswering(
      async () =>
        ({
          num_pending: 5,
          num_ack_pending: 2,
          num_redelivered: 1,
          delivered: { consumer_seq: 9, stream_seq: 12 },
        }) as unknown as ConsumerInfo,
    );

    await expect(jetStreamConsumerState(jsm, 'S', 'D')).resolves.toEqual({
      numPending: 5,
      numAckPending: 2,
      numRedelivered: 1,
      delivered: 9,
    });
  });

  it('is undefined when the consumer does not exist', async () => {
    const jsm = managerAnswering(async () => {
      throw new JetStreamApiError({
        code: 404,
        err_code: 10014,
        description: 'consumer not found',
      });
    });

    await expect(jetStreamConsumerState(jsm, 'S', 'D')).resolves.toBeUndefined();
  });

  it('rethrows any other failure: an unreachable server is not an absent consumer', async () => {
    const jsm = managerAnswering(async () => {
      throw new Error('TIMEOUT');
    });

    await expect(jetStreamConsumerState(jsm, 'S', 'D')).rejects.toThrow('TIMEOUT');
  });
});
