import { Registry } from 'prom-client';
import { BridgeMetrics, ProjectionMetrics, RebuildMetrics } from './pipeline-metrics';

describe('BridgeMetrics', () => {
  it('observes JetStream publish → Kafka ack per event, clamping clock skew at zero', async () => {
    const registry = new Registry();
    const bridge = new BridgeMetrics(registry);

    bridge.forwarded('orders', [1_000, 1_800, 2_100], 2_000);

    const text = await registry.metrics();
    expect(text).toContain('switchyard_bridge_forward_latency_seconds_count{route="orders"} 3');
    // 1 s + 0.2 s + 0 s (the event "from the future" is clamped)
    expect(text).toContain('switchyard_bridge_forward_latency_seconds_sum{route="orders"} 1.2');
  });
});

describe('ProjectionMetrics', () => {
  it('reports the next offset per partition', async () => {
    const registry = new Registry();
    new ProjectionMetrics(registry).position('orders', 'orders.events', 2, 41n);

    await expect(registry.metrics()).resolves.toContain(
      'switchyard_projection_position_offset{projection="orders",topic="orders.events",partition="2"} 41',
    );
  });
});

describe('ProjectionMetrics parking', () => {
  it('counts held events by reason and released ones, and reports what a partition holds now', async () => {
    const registry = new Registry();
    const metrics = new ProjectionMetrics(registry);
    metrics.trackParking('orders', ['no-row', 'version-gap']);

    metrics.parking('orders', 'orders.events', 1, {
      parked: [{ reason: 'no-row' }, { reason: 'version-gap' }, { reason: 'no-row' }],
      released: 0,
      parkedInPartition: 3,
    });
    metrics.parking('orders', 'orders.events', 1, {
      parked: [],
      released: 2,
      parkedInPartition: 1,
    });

    const text = await registry.metrics();
    expect(text).toContain(
      'switchyard_projection_parked_events{projection="orders",topic="orders.events",partition="1"} 1',
    );
    expect(text).toContain(
      'switchyard_projection_events_parked_total{projection="orders",reason="no-row"} 2',
    );
    expect(text).toContain(
      'switchyard_projection_events_parked_total{projection="orders",reason="version-gap"} 1',
    );
    expect(text).toContain('switchyard_projection_events_released_total{projection="orders"} 2');
  });
});

describe('RebuildMetrics', () => {
  it('follows a run from running to swapped and counts the outcome once', async () => {
    const registry = new Registry();
    const rebuild = new RebuildMetrics(registry);
    rebuild.track('orders');

    rebuild.sample('orders', { state: 'running', eventsApplied: 40, eventsTotal: 100 });
    let text = await registry.metrics();
    expect(text).toContain('switchyard_rebuild_running{projection="orders"} 1');
    expect(text).toContain('switchyard_rebuild_applied_events{projection="orders"} 40');
    expect(text).toContain('switchyard_rebuild_target_events{projection="orders"} 100');

    rebuild.sample('orders', { state: 'swapped', eventsApplied: 100, eventsTotal: 100 });
    text = await registry.metrics();
    expect(text).toContain('switchyard_rebuild_running{projection="orders"} 0');
    expect(text).toContain(
      'switchyard_rebuild_runs_total{projection="orders",outcome="swapped"} 1',
    );
    expect(text).toContain('switchyard_rebuild_runs_total{projection="orders",outcome="failed"} 0');
  });
});
