import { topology } from './topology';

describe('topology', () => {
  it('given the empty namespace, when resolved, then names are the production names', () => {
    const names = topology();
    expect(names.nats.subjects.placeOrder).toBe('orders.cmd.place');
    expect(names.nats.subjects.orderEvents('42')).toBe('orders.events.42');
    expect(names.nats.streams.orders.name).toBe('ORDERS');
    expect(names.kafka.topics.orderEvents.name).toBe('switchyard.orders.events');
    expect(names.postgres.schema).toBe('switchyard');
  });

  it('given a namespace, when resolved, then every name carries it', () => {
    const names = topology('t1');
    expect(names.nats.subjects.placeOrder).toBe('t1.orders.cmd.place');
    expect(names.nats.subjects.orderPlacedNotification('eu')).toBe('t1.notify.orders.eu.placed');
    expect(names.nats.streams.orders.name).toBe('T1_ORDERS');
    expect(names.bridgeRoutes[0].durable).toBe('T1_BRIDGE_ORDERS');
    expect(names.kafka.topics.orderEvents.name).toBe('t1.switchyard.orders.events');
    expect(names.kafka.groups.projector).toBe('t1.switchyard.projector.orders');
    expect(names.postgres.schema).toBe('switchyard_t1');
  });

  it('given a namespace that is not a safe token, when resolved, then it is refused', () => {
    expect(() => topology('a.b')).toThrow();
    expect(() => topology('A')).toThrow();
    expect(() => topology('x>')).toThrow();
  });

  it('bounds every stream and KV bucket, with a dedupe window inside its age limit', () => {
    const names = topology();
    const declared = [...Object.values(names.nats.streams), ...Object.values(names.nats.kv)];
    for (const { name, maxBytes, maxAgeMs, duplicateWindowMs } of declared) {
      expect({ name, bounded: maxBytes > 0 }).toEqual({ name, bounded: true });
      if (maxAgeMs > 0) expect(duplicateWindowMs).toBeLessThanOrEqual(maxAgeMs);
    }
    // The write side and the dead letters never delete to make room: a full one refuses.
    expect(names.nats.streams.orders.discard).toBe('new');
    expect(names.nats.streams.deadLetters).toMatchObject({ maxAgeMs: 0, discard: 'new' });
    // What a work queue or a KV bucket holds is kept until it is taken or for ever.
    expect(names.nats.streams.payments.maxAgeMs).toBe(0);
    expect(names.nats.kv.inventory.maxAgeMs).toBe(0);
    expect(names.nats.kv.payments.maxAgeMs).toBe(0);
  });

  it('keeps notifications out of every stream: JetStream must not capture them', () => {
    const names = topology();
    const notification = names.nats.subjects.orderPlacedNotification('eu-west');
    for (const stream of Object.values(names.nats.streams)) {
      for (const subject of stream.subjects) {
        const prefix = subject.replace(/\.>$/, '.');
        expect(notification.startsWith(prefix)).toBe(false);
      }
    }
  });

  it('keeps telemetry out of every stream: readings are at-most-once by design', () => {
    const names = topology('t1');
    const reading = names.nats.subjects.telemetry('plant1', 'd7', 'temperature');
    expect(reading).toBe('t1.telemetry.plant1.d7.temperature');
    expect(names.nats.subjects.telemetryMetric('temperature')).toBe('t1.telemetry.*.*.temperature');
    expect(names.nats.subjects.telemetrySite('plant1')).toBe('t1.telemetry.plant1.>');
    // Loss reports are not readings: no `telemetry.>` reader gets them.
    expect(names.nats.subjects.telemetryLoss('agg')).toBe('t1.telemetry-loss.agg');
    expect(names.nats.subjects.telemetryLoss('agg').startsWith('t1.telemetry.')).toBe(false);
    for (const stream of Object.values(names.nats.streams)) {
      for (const subject of stream.subjects) {
        const prefix = subject.replace(/\.>$/, '.');
        expect(reading.startsWith(prefix)).toBe(false);
      }
    }
  });

  it('redrives a work queue to its own subject, and an event-log reader never into the log it read', () => {
    const names = topology('t1');
    const logs = [names.nats.streams.orders, names.nats.streams.paymentEvents];
    const inLog = (subject: string) =>
      logs.some((stream) => stream.subjects.some((s) => subject.startsWith(s.replace(/>$/, ''))));
    const bySource = new Map(names.deadLetterSources.map((source) => [source.source, source]));
    expect([...bySource.keys()].sort()).toEqual([
      'bridge.orders',
      'orders.deadlines',
      'orders.payment-outcomes',
      'orders.saga',
      'payments.requested',
    ]);
    expect(bySource.get('payments.requested')!.redriveSubject).toBeNull();
    expect(bySource.get('orders.saga')).toEqual({
      source: 'orders.saga',
      deadLetterSubject: 't1.deadletter.orders.saga',
      redriveSubject: 't1.redrive.orders.saga',
    });
    for (const { redriveSubject } of names.deadLetterSources) {
      if (redriveSubject) expect(inLog(redriveSubject)).toBe(false);
    }
  });

  it('keeps every Kafka topic for ever, deleting nothing and never compacting', () => {
    for (const topic of Object.values(topology().kafka.topics)) {
      expect(topic.configs).toMatchObject({
        'cleanup.policy': 'delete',
        'retention.ms': '-1',
        'retention.bytes': '-1',
        'unclean.leader.election.enable': 'false',
      });
    }
  });

  it('given no replication, declares one local copy; given a cluster, declares its replication', () => {
    const local = topology('t1').kafka.topics.orderEvents;
    expect(local).toMatchObject({ partitions: 3, replicationFactor: 1 });
    expect(local.configs['min.insync.replicas']).toBe('1');
    const cluster = topology('t1', { kafka: { replicationFactor: 3, minInsyncReplicas: 2 } });
    expect(cluster.kafka.topics.orderEvents.replicationFactor).toBe(3);
    expect(cluster.kafka.topics.orderEvents.configs['min.insync.replicas']).toBe('2');
  });

  it('refuses a min.insync.replicas that acks=all writes could never reach', () => {
    expect(() => topology('', { kafka: { replicationFactor: 1, minInsyncReplicas: 2 } })).toThrow(
      /min.insync.replicas must be between 1 and the replication factor \(1\), got 2/,
    );
    expect(() => topology('', { kafka: { replicationFactor: 0, minInsyncReplicas: 1 } })).toThrow(
      /replication factor/,
    );
  });
});
