import { FaultsStateSchema } from '@switchyard/contracts';
import { FaultInjectorClient, NO_INJECTOR } from './fault-injector.client';

/**
 * Everywhere but the no-Docker demo there is no `FAULT_INJECTOR_URL` (as in this test's
 * environment): the page is told the faults are unavailable and why, and a start is a 404
 * without any request leaving the gateway.
 */
describe('FaultInjectorClient without an injector', () => {
  const client = new FaultInjectorClient();

  it('given no FAULT_INJECTOR_URL, when the page asks, then the faults are unavailable with the reason', async () => {
    const state = FaultsStateSchema.parse(await client.state());
    expect(state).toEqual({
      available: false,
      reason: NO_INJECTOR,
      actions: [],
      running: null,
      last: null,
    });
  });

  it('given no FAULT_INJECTOR_URL, when a fault is started, then it is a 404 Faults unavailable', async () => {
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    expect(await client.start('stop-kafka')).toEqual({
      ok: false,
      problem: expect.objectContaining({ status: 404, title: 'Faults unavailable' }),
    });
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });
});
