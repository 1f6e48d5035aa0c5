import { Registry } from 'prom-client';
import { ConsumerMetrics } from './consumer-metrics';

const labels = { transport: 'jetstream', source: 'ORDERS', consumer: 'BRIDGE_ORDERS' } as const;

async function value(registry: Registry, name: string, match: Record<string, string> = {}) {
  const metric = await registry.getSingleMetric(name)?.get();
  const sample = metric?.values.find((candidate) =>
    Object.entries({ ...labels, ...match }).every(
      ([key, expected]) => String(candidate.labels[key]) === expected,
    ),
  );
  return sample?.value;
}

describe('ConsumerMetrics observer (the runner hooks → Prometheus adapter)', () => {
  it('starts every counter of a consumer at zero', async () => {
    // Given a consumer that has not received anything yet
    const registry = new Registry();
    new ConsumerMetrics(registry).observer(labels);

    // Then its series already exist, at zero (so rate() and "no dead letters" read right)
    await expect(value(registry, 'switchyard_consumer_received_messages_total')).resolves.toBe(0);
    await expect(value(registry, 'switchyard_consumer_dead_letters_total')).resolves.toBe(0);
    await expect(
      value(registry, 'switchyard_consumer_settled_messages_total', { outcome: 'nak' }),
    ).resolves.toBe(0);
  });

  it('counts received, redelivered and settled messages, and dead letters on their own', async () => {
    const registry = new Registry();
    const observer = new ConsumerMetrics(registry).observer(labels);

    // When a batch of 3 arrives, 1 of them redelivered, and ends 2 acked, 1 dead-lettered
    observer.received(3, 1);
    observer.settled('ack', 2);
    observer.settled('dead_letter', 1);

    // Then
    await expect(value(registry, 'switchyard_consumer_received_messages_total')).resolves.toBe(3);
    await expect(value(registry, 'switchyard_consumer_redelivered_messages_total')).resolves.toBe(
      1,
    );
    await expect(
      value(registry, 'switchyard_consumer_settled_messages_total', { outcome: 'ack' }),
    ).resolves.toBe(2);
    await expect(value(registry, 'switchyard_consumer_dead_letters_total')).resolves.toBe(1);
  });

  it('counts refused dead-letter writes apart from dead letters', async () => {
    const registry = new Registry();
    const observer = new ConsumerMetrics(registry).observer(labels);
    await expect(value(registry, 'switchyard_consumer_dead_letter_failures_total')).resolves.toBe(
      0,
    );

    // When a dead-letter write is refused twice, then succeeds
    observer.deadLetterFailed?.(1);
    observer.deadLetterFailed?.(1);
    observer.settled('dead_letter', 1);

    // Then
    await expect(value(registry, 'switchyard_consumer_dead_letter_failures_total')).resolves.toBe(
      2,
    );
    await expect(value(registry, 'switchyard_consumer_dead_letters_total')).resolves.toBe(1);
  });

  it('times handler batches by outcome', async () => {
    const registry = new Registry();
    const observer = new ConsumerMetrics(registry).observer(labels);

    observer.handled(0.02, false);
    observer.handled(3, true);

    const text = await registry.metrics();
    expect(text).toMatch(
      /switchyard_consumer_batch_duration_seconds_count\{[^}]*outcome="ok"[^}]*\} 1/,
    );
    expect(text).toMatch(
      /switchyard_consumer_batch_duration_seconds_bucket\{le="5",[^}]*outcome="error"[^}]*\} 1/,
    );
  });
});
