import { FAULT_ACTIONS } from '@switchyard/contracts';
import { findAction, offeredActions } from './actions';
import { InjectorEnvSchema } from './config';

const token = { ADMIN_TOKEN: 'x'.repeat(32) };

describe('the allow-list', () => {
  it('offers both faults, each labelled with what it does and for how long', () => {
    const actions = offeredActions(
      InjectorEnvSchema.parse({
        ...token,
        FAULTS_KAFKA_SECONDS: '12',
        FAULTS_BRIDGE_PIDFILE: '/demo/bridge.pid',
        FAULTS_BRIDGE_RESTART_SECONDS: '7',
      }),
    );
    expect(actions.map(({ id, label, seconds }) => ({ id, label, seconds }))).toEqual([
      { id: 'stop-kafka', label: 'Stop Kafka for 12 s', seconds: 12 },
      {
        id: 'kill-bridge',
        label: 'Kill the bridge (SIGKILL); the demo restarts it after 7 s',
        seconds: 7,
      },
    ]);
    expect(actions.every((action) => FAULT_ACTIONS.includes(action.id))).toBe(true);
  });

  it('offers only what the demo gave the means for: no pid file, no kill-bridge; FAULTS_KAFKA=false, no stop-kafka', () => {
    expect(offeredActions(InjectorEnvSchema.parse(token)).map((a) => a.id)).toEqual(['stop-kafka']);
    expect(offeredActions(InjectorEnvSchema.parse({ ...token, FAULTS_KAFKA: 'false' }))).toEqual(
      [],
    );
  });

  it('finds an offered action by its exact name and nothing else', () => {
    const actions = offeredActions(InjectorEnvSchema.parse(token));
    expect(findAction(actions, 'stop-kafka')?.id).toBe('stop-kafka');
    for (const name of ['kill-bridge', 'STOP-KAFKA', 'stop-kafka;rm -rf /', '', 'constructor']) {
      expect(findAction(actions, name)).toBeUndefined();
    }
  });

  it('refuses a start without a proper admin token or with absurd durations', () => {
    expect(() => InjectorEnvSchema.parse({})).toThrow();
    expect(() => InjectorEnvSchema.parse({ ADMIN_TOKEN: 'secret' })).toThrow();
    expect(() => InjectorEnvSchema.parse({ ...token, FAULTS_KAFKA_SECONDS: '0' })).toThrow();
    expect(() => InjectorEnvSchema.parse({ ...token, FAULTS_KAFKA_SECONDS: '3600' })).toThrow();
  });
});
