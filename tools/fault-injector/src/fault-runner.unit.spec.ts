import type { FaultActionInfo } from '@switchyard/contracts';
import { offeredActions } from './actions';
import { InjectorEnvSchema } from './config';
import { FaultRunner, type FaultEffects } from './fault-runner';

/** A promise the test settles itself. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Effects whose every step waits for the test: no broker, no process, no wall clock. */
function fakeEffects() {
  let now = Date.parse('2026-12-03T12:00:00Z');
  const steps = {
    stopKafka: deferred(),
    startKafka: deferred(),
    killBridge: deferred<number>(),
    bridgeRestarted: deferred(),
    sleep: deferred(),
  };
  const calls: string[] = [];
  const effects: FaultEffects = {
    stopKafka: () => (calls.push('stopKafka'), steps.stopKafka.promise),
    startKafka: () => (calls.push('startKafka'), steps.startKafka.promise),
    killBridge: () => (calls.push('killBridge'), steps.killBridge.promise),
    bridgeRestarted: (pid) => (calls.push(`bridgeRestarted ${pid}`), steps.bridgeRestarted.promise),
    sleep: (ms) => (calls.push(`sleep ${ms}`), steps.sleep.promise),
    now: () => now,
  };
  return { effects, steps, calls, advance: (ms: number) => (now += ms) };
}

/** Lets the runner's awaits go on after a step was settled. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

const env = InjectorEnvSchema.parse({
  ADMIN_TOKEN: 'x'.repeat(32),
  FAULTS_KAFKA_SECONDS: '20',
  FAULTS_BRIDGE_PIDFILE: '/tmp/bridge.pid',
  FAULTS_BRIDGE_RESTART_SECONDS: '5',
});
const [stopKafka, killBridge] = offeredActions(env) as [FaultActionInfo, FaultActionInfo];

describe('FaultRunner', () => {
  it('given stop-kafka, when it runs, then it stops Kafka, counts down its seconds, restarts it and reports recovered', async () => {
    const { effects, steps, calls, advance } = fakeEffects();
    const runner = new FaultRunner(effects);

    expect(runner.start(stopKafka)).toMatchObject({
      started: true,
      running: { action: 'stop-kafka', phase: 'stopping', remainingSeconds: 20 },
    });
    steps.stopKafka.resolve();
    await flush();
    expect(calls).toEqual(['stopKafka', 'sleep 20000']);
    advance(6_500);
    expect(runner.state().running).toMatchObject({ phase: 'down', remainingSeconds: 14 });

    advance(13_500);
    steps.sleep.resolve();
    await flush();
    expect(calls).toEqual(['stopKafka', 'sleep 20000', 'startKafka']);
    expect(runner.state().running).toMatchObject({ phase: 'restarting', remainingSeconds: 0 });

    steps.startKafka.resolve();
    await runner.settled();
    expect(runner.state()).toEqual({
      running: null,
      last: { action: 'stop-kafka', outcome: 'recovered', endedAt: '2026-12-03T12:00:20.000Z' },
    });
  });

  it('given a fault under way, when another is asked for, then it is refused and nothing else runs', async () => {
    const { effects, steps, calls } = fakeEffects();
    const runner = new FaultRunner(effects);
    runner.start(killBridge);

    expect(runner.start(stopKafka)).toMatchObject({
      started: false,
      running: { action: 'kill-bridge' },
    });
    expect(runner.start(killBridge).started).toBe(false);
    steps.killBridge.resolve(4242);
    steps.bridgeRestarted.resolve();
    await runner.settled();
    expect(calls).toEqual(['killBridge', 'bridgeRestarted 4242']);
    // Once it ended, the next one may start.
    expect(runner.start(stopKafka).started).toBe(true);
  });

  it('given kill-bridge, when no new bridge comes, then the fault ends as failed with the reason', async () => {
    const { effects, steps } = fakeEffects();
    const runner = new FaultRunner(effects);
    runner.start(killBridge);
    steps.killBridge.resolve(4242);
    steps.bridgeRestarted.reject(new Error('no new bridge after 180 s'));
    await runner.settled();
    expect(runner.state()).toMatchObject({
      running: null,
      last: { action: 'kill-bridge', outcome: 'failed', error: 'no new bridge after 180 s' },
    });
  });
});
