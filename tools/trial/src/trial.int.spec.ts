import { jetstreamManager } from '@nats-io/jetstream';
import { connectRaw, rawKafka } from '@switchyard/bench';
import { trialEnv } from './env';
import { renderComparison } from './report';
import { resolveShape } from './shape';
import { namesFor, runTrial } from './trial';

/**
 * A small shape (two seconds per transport) on the real brokers. Only the comparison's
 * structure and its invariants are asserted — every message counted, the at-least-once
 * buses lose nothing, core NATS loses exactly what was sent while the subscriber was away,
 * nothing left behind — never a latency or a rate: those depend on the machine's load.
 */
describe('npm run trial on a small shape', () => {
  it('runs all three transports and its counts add up', async () => {
    const shape = resolveShape(
      undefined,
      {
        rate: '200',
        duration: '2',
        fanout: '2',
        consumers: '2',
        disconnect: { at: '0.3', forMs: '300' },
      },
      () => '',
    );
    const env = trialEnv({});
    const trial = await runTrial(shape, env);

    expect(trial.results.map((r) => r.transport)).toEqual(['core', 'jetstream', 'kafka']);
    for (const r of trial.results) {
      expect(r.sent).toBe(400);
      expect(r.sentWhileAway).toBe(60); // 300 ms at 200 msg/s
      expect(r.lost).toHaveLength(2);
      expect(r.latency.count + r.returningLatency.count).toBe(2 * 400 - r.lost[0]! - r.lost[1]!);
      expect(r.curve.length).toBeGreaterThan(0);
      expect(r.client.rssMb).toBeGreaterThan(0);
    }
    const [core, jetstream, kafka] = trial.results;
    // At-most-once: subscriber 0 lost exactly the messages published while it was away.
    expect(core!.delivery).toBe('at-most-once');
    expect(core!.lost).toEqual([core!.sentWhileAway, 0]);
    // At-least-once: nothing lost, the durable position outlived the subscriber's absence.
    expect(jetstream!.lost).toEqual([0, 0]);
    expect(kafka!.lost).toEqual([0, 0]);

    const text = renderComparison(trial, '(chart)');
    for (const heading of ['Delivery semantics', 'Retention', 'Fan-out', 'latency ladder'])
      expect(text).toContain(heading);

    // Nothing left behind: the stream and the topic of the run are gone.
    const nc = await connectRaw('trial-test', env);
    const kafkaAdmin = rawKafka('trial-test', env.KAFKA_BROKERS).admin();
    try {
      const jsm = await jetstreamManager(nc);
      const stream = namesFor(trial.namespace, 'jetstream').nats.streams.bench.name;
      await expect(jsm.streams.info(stream)).rejects.toThrow(/not found/);
      await kafkaAdmin.connect();
      const topics = await kafkaAdmin.listTopics();
      expect(topics).not.toContain(namesFor(trial.namespace, 'kafka').kafka.topics.trial.name);
    } finally {
      await kafkaAdmin.disconnect();
      await nc.close();
    }
  });
});
