import { benchTopology, topology } from '@switchyard/contracts';

describe('benchTopology', () => {
  const names = benchTopology('bench1');

  it('prefixes every name with the namespace, so a bench run never touches live names', () => {
    expect(names.nats.subjects.requestReply('nest')).toBe('bench1.bench.rr.nest');
    expect(names.nats.streams.bench.name).toBe('BENCH1_BENCH');
    expect(names.kafka.topics.ladder.name).toBe('bench1.bench.ladder');
    expect(names.kafka.groups.rawReplay('r1')).toBe('bench1.bench.raw-replay.r1');
  });

  it('keeps core subjects outside the bench stream (a stream captures every publish on its subjects)', () => {
    const captured = names.nats.subjects.allJetstream.replace('>', '');
    expect(names.nats.subjects.jetstream('ladder').startsWith(captured)).toBe(true);
    for (const core of [
      names.nats.subjects.ladderCore,
      names.nats.subjects.trialCore,
      names.nats.subjects.fanout('raw'),
      names.nats.subjects.requestReply('raw'),
    ]) {
      expect(core.startsWith(captured)).toBe(false);
    }
  });

  it('does not collide with the services topology of the same namespace', () => {
    const services = topology('bench1');
    const serviceStreams = Object.values(services.nats.streams).map((stream) => stream.name);
    expect(serviceStreams).not.toContain(names.nats.streams.bench.name);
    const serviceTopics = Object.values(services.kafka.topics).map((topic) => topic.name);
    expect(serviceTopics).not.toContain(names.kafka.topics.ladder.name);
    expect(serviceTopics).not.toContain(names.kafka.topics.rawProduce.name);
    expect(serviceTopics).not.toContain(names.kafka.topics.trial.name);
  });
});
