import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { FaultsStateSchema } from '@switchyard/contracts';
import { offeredActions } from './actions';
import { InjectorEnvSchema } from './config';
import { FaultRunner, type FaultEffects } from './fault-runner';
import { faultServer } from './server';

const TOKEN = 't'.repeat(40);
const never = () => new Promise<never>(() => undefined);

/**
 * The guard and the allow-list at the HTTP door, on a real socket: effects that never
 * finish, so the first fault stays "running" for the 409.
 */
describe('the injector over HTTP', () => {
  let server: Server;
  let base: string;
  const effects: FaultEffects = {
    stopKafka: never,
    startKafka: never,
    killBridge: never,
    bridgeRestarted: never,
    sleep: never,
    now: () => Date.parse('2026-12-03T12:00:00Z'),
  };

  beforeAll(async () => {
    const env = InjectorEnvSchema.parse({ ADMIN_TOKEN: TOKEN, FAULTS_BRIDGE_PIDFILE: '/x.pid' });
    server = faultServer(offeredActions(env), new FaultRunner(effects), TOKEN);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const call = (method: string, path: string, token?: string) =>
    fetch(`${base}${path}`, {
      method,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  it('answers 401 without the admin token or with a wrong one, and runs nothing', async () => {
    expect((await call('POST', '/faults/stop-kafka')).status).toBe(401);
    expect((await call('POST', '/faults/stop-kafka', 'w'.repeat(40))).status).toBe(401);
    expect((await call('GET', '/faults')).status).toBe(401);
    const state = FaultsStateSchema.parse(await (await call('GET', '/faults', TOKEN)).json());
    expect(state.running).toBeNull();
  });

  it('answers 404 for a fault that is not on the list', async () => {
    const response = await call('POST', '/faults/rm%20-rf', TOKEN);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ title: 'Unknown fault' });
  });

  it('starts one fault (202), refuses a second while it runs (409), and shows it in GET /faults', async () => {
    const started = await call('POST', '/faults/kill-bridge', TOKEN);
    expect(started.status).toBe(202);
    expect(await started.json()).toMatchObject({ action: 'kill-bridge', phase: 'stopping' });

    const refused = await call('POST', '/faults/stop-kafka', TOKEN);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');

    const state = FaultsStateSchema.parse(await (await call('GET', '/faults', TOKEN)).json());
    expect(state).toMatchObject({ available: true, running: { action: 'kill-bridge' } });
    expect(state.actions.map((action) => action.id)).toEqual(['stop-kafka', 'kill-bridge']);
  });
});
