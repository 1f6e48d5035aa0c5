import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { topology, type ConsumerControlAction } from '@switchyard/contracts';
import { connectNats } from '@switchyard/messaging';
import {
  adminRequest,
  AuthNats,
  cleanupNamespace,
  startService,
  uniqueNamespace,
  waitFor,
  type ServiceProcess,
  PREDICTABLE_PAYMENTS,
} from '@switchyard/testkit';
import { find, parseSamples, promtoolCheck, type Sample } from './metrics/prometheus-text';

/**
 * Every service's `/metrics` passes `promtool check metrics`, and the numbers that matter
 * to an operator are the real system's: JetStream holds work for a paused consumer
 * (pending > 0) and Kafka lag grows while the projector is paused, then both drain.
 */
describe('metrics and health of every service', () => {
  const namespace = uniqueNamespace('m');
  const names = topology(namespace);
  const env = {
    SWITCHYARD_NAMESPACE: namespace,
    ...PREDICTABLE_PAYMENTS,
  };
  const services = new Map<string, ServiceProcess>();
  let nc: NatsConnection;
  // The suite's own nats-server with the project's users: each app connects as itself.
  let nats: AuthNats;

  const service = (name: string) => services.get(name)!;
  const scrape = async (name: string): Promise<{ text: string; samples: Sample[] }> => {
    const response = await fetch(`${service(name).url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    return { text, samples: parseSamples(text) };
  };
  const sum = (samples: Sample[]) => samples.reduce((total, sample) => total + sample.value, 0);
  const control = async (app: string, action: ConsumerControlAction) => {
    const reply = await nc.request(
      names.nats.subjects.consumerControl(app),
      JSON.stringify({ action }),
      { timeout: 10_000 },
    );
    return reply.json<{ consumers: { consumer: string; paused: boolean }[] }>();
  };
  const placeOrder = async () => {
    const response = await fetch(`${service('gateway').url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        customerId: 'c-metrics',
        region: 'eu-west',
        items: [{ sku: 'SKU-1', quantity: 1 }],
      }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { orderId: string }).orderId;
  };
  const orderStatus = async (orderId: string) => {
    const response = await fetch(`${service('gateway').url}/orders/${orderId}`);
    return response.status === 200 ? ((await response.json()) as { status: string }).status : '';
  };
  /**
   * An order all the way through: placed, paid, forwarded to Kafka and projected. A test
   * that reads figures an order moves places its own, so it passes alone and in any order.
   */
  const placeConfirmedOrder = async () => {
    const orderId = await placeOrder();
    await waitFor(
      `order ${orderId} to be confirmed`,
      async () => (await orderStatus(orderId)) === 'CONFIRMED',
    );
    return orderId;
  };
  /** Runs `body` with `app`'s consumers paused, and resumes them whatever happens. */
  const whilePaused = async <T>(app: string, body: () => Promise<T>): Promise<T> => {
    await control(app, 'pause');
    try {
      return await body();
    } finally {
      await control(app, 'resume');
    }
  };

  beforeAll(async () => {
    nats = await AuthNats.start(namespace);
    nc = await connectNats({ settings: nats.settingsOf('admin'), name: 'e2e-metrics' });
    // Each process is remembered as soon as it is up, so afterAll stops it even when
    // another one failed to start. Start-up is slow on a loaded CI machine: allow 90 s.
    const start = async (app: string, args: string[] = []) => {
      const user = app as Parameters<AuthNats['envOf']>[0];
      const process = await startService({
        app,
        env: { ...env, ...nats.envOf(user) },
        args,
        timeoutMs: 90_000,
      });
      services.set(process.name, process);
    };
    const results = await Promise.allSettled([
      ...['orders', 'inventory', 'payments', 'bridge', 'projector'].map((app) => start(app)),
      start('rebuilder', ['serve']),
    ]);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    await start('gateway');
  });

  afterAll(async () => {
    await nc?.close();
    await Promise.all([...services.values()].map((process) => process.stop()));
    await cleanupNamespace(namespace);
    const violations = nats?.violations() ?? [];
    await nats?.stop();
    expect(violations).toEqual([]);
  });

  it('holds work for a paused payments worker: JetStream pending > 0, then drains', async () => {
    const { stream, durable } = names.nats.consumers.paymentsWorker;
    const orderId = await whilePaused('payments', async () => {
      const placed = await placeOrder();

      // The saga requested the payment; nobody pulls it: the server holds it.
      const pending = await waitFor('payments pending > 0 on /metrics', async () => {
        const { samples } = await scrape('payments');
        const [sample] = find(samples, 'switchyard_jetstream_consumer_pending_messages', {
          stream,
          consumer: durable,
        });
        return sample && sample.value > 0 ? sample.value : undefined;
      });
      expect(pending).toBeGreaterThanOrEqual(1);
      console.log(`payments paused: ${durable} pending = ${pending}`);
      expect(await orderStatus(placed)).not.toBe('CONFIRMED');
      return placed;
    });

    await waitFor(
      'the order to be confirmed',
      async () => (await orderStatus(orderId)) === 'CONFIRMED',
    );
    const { samples } = await scrape('payments');
    expect(
      find(samples, 'switchyard_jetstream_consumer_pending_messages', { consumer: durable })[0]
        ?.value,
    ).toBe(0);
    expect(
      sum(
        find(samples, 'switchyard_consumer_settled_messages_total', {
          consumer: durable,
          outcome: 'ack',
        }),
      ),
    ).toBeGreaterThanOrEqual(1);
  });

  it('shows Kafka lag per partition while the projector is paused, then drains it', async () => {
    const group = names.kafka.groups.projector;
    const orderId = await whilePaused('projector', async () => {
      const placed = await placeOrder();

      // The bridge forwards the order's events; the paused projector does not commit them.
      const lag = await waitFor('projector lag > 0 on /metrics', async () => {
        const { samples } = await scrape('projector');
        const partitions = find(samples, 'switchyard_kafka_consumer_lag_messages', { group });
        return sum(partitions) > 0 ? partitions : undefined;
      });
      expect(lag.length).toBe(names.kafka.topics.orderEvents.partitions);
      console.log(
        `projector paused: lag per partition ${lag.map((p) => `${p.labels.partition}=${p.value}`).join(' ')}`,
      );
      expect(await orderStatus(placed)).toBe('');
      return placed;
    });

    await waitFor(
      'the order to be projected',
      async () => (await orderStatus(orderId)) === 'CONFIRMED',
    );
    await waitFor('the lag to drain', async () => {
      const { samples } = await scrape('projector');
      return sum(find(samples, 'switchyard_kafka_consumer_lag_messages', { group })) === 0;
    });
    const { samples } = await scrape('projector');
    expect(
      find(samples, 'switchyard_projection_position_offset', { projection: 'orders' }).length,
    ).toBeGreaterThan(0);
  });

  it('reports rebuild progress on the rebuilder', async () => {
    // Something to replay, and the count of swapped runs as it was before this one.
    await placeConfirmedOrder();
    const swappedRuns = async () =>
      find((await scrape('rebuilder')).samples, 'switchyard_rebuild_runs_total', {
        projection: 'orders',
        outcome: 'swapped',
      })[0]?.value ?? 0;
    const before = await swappedRuns();
    const started = await fetch(
      `${service('gateway').url}/admin/projections/orders/rebuild`,
      adminRequest('POST'),
    );
    expect(started.status).toBe(202);
    await waitFor(
      'the rebuild to be counted as swapped',
      async () => (await swappedRuns()) === before + 1,
    );
    const { samples } = await scrape('rebuilder');
    expect(
      find(samples, 'switchyard_rebuild_applied_events', { projection: 'orders' })[0]?.value,
    ).toBeGreaterThan(0);
    expect(find(samples, 'switchyard_rebuild_running', { projection: 'orders' })[0]?.value).toBe(0);
  });

  it("passes promtool check metrics on every service, with each one's own series", async () => {
    // Series appear when something happens: an order through every service, and a
    // rebuild for the rebuilder's.
    await placeConfirmedOrder();
    const rebuilt = await fetch(
      `${service('gateway').url}/admin/projections/orders/rebuild`,
      adminRequest('POST'),
    );
    expect(rebuilt.status).toBe(202);
    const { runId } = (await rebuilt.json()) as { runId: string };
    await waitFor('the rebuild to end', async () => {
      const status = await fetch(
        `${service('gateway').url}/admin/projections/orders`,
        adminRequest(),
      );
      const { lastRun } = (await status.json()) as { lastRun: { runId: string; state: string } };
      return lastRun.runId === runId && lastRun.state !== 'running';
    });
    const expectations: Record<string, string[]> = {
      gateway: ['switchyard_http_request_duration_seconds_count'],
      orders: [
        'switchyard_rpc_handler_duration_seconds_count',
        'switchyard_jetstream_consumer_pending_messages',
        'switchyard_jetstream_consumer_ack_pending_messages',
        'switchyard_consumer_received_messages_total',
        'switchyard_messages_published_total',
      ],
      inventory: ['switchyard_rpc_handler_duration_seconds_count'],
      payments: [
        'switchyard_jetstream_consumer_pending_messages',
        'switchyard_consumer_dead_letters_total',
        'switchyard_consumer_dead_letter_failures_total',
        'switchyard_messages_published_total',
      ],
      bridge: [
        'switchyard_jetstream_consumer_pending_messages',
        'switchyard_bridge_forward_latency_seconds_count',
        'switchyard_messages_published_total',
      ],
      projector: [
        'switchyard_kafka_consumer_lag_messages',
        'switchyard_kafka_partition_end_offset',
        'switchyard_projection_position_offset',
        'switchyard_rpc_handler_duration_seconds_count',
      ],
      rebuilder: ['switchyard_rebuild_applied_events', 'switchyard_rebuild_runs_total'],
    };
    const outcomes: string[] = [];
    for (const [name, series] of Object.entries(expectations)) {
      const { text, samples } = await scrape(name);
      const check = promtoolCheck(text);
      outcomes.push(
        `${name}: promtool exit ${check.status}, ${samples.length} samples${check.output ? `: ${check.output}` : ''}`,
      );
      expect({ name, ...check }).toEqual({ name, status: 0, output: '' });
      for (const metric of series)
        expect({ name, metric, found: find(samples, metric).length > 0 }).toEqual({
          name,
          metric,
          found: true,
        });
      expect(find(samples, 'process_cpu_seconds_total', { service: name })).toHaveLength(1);
    }
    // The figures for the report (and for whoever reads the CI log).
    console.log(outcomes.join('\n'));
  });

  it('exports every metric the Grafana dashboard queries, from data sources Grafana provisions', async () => {
    // Grafana has no stand-in image on CI (infra/docker/README.md), so its provisioning is
    // checked here, against what the services really export: a renamed metric used to
    // leave a panel empty with nothing failing.
    const observability = join(__dirname, '../../../infra/observability');
    const dashboard = JSON.parse(
      readFileSync(join(observability, 'grafana/dashboards/switchyard-overview.json'), 'utf8'),
    ) as {
      panels: { title: string; datasource?: { uid: string }; targets?: { expr?: string }[] }[];
    };
    const provisioned = [
      ...readFileSync(
        join(observability, 'grafana/provisioning/datasources/datasources.yml'),
        'utf8',
      ).matchAll(/^\s*uid:\s*(\S+)/gm),
    ].map((match) => match[1]);
    const queried = new Set(
      dashboard.panels
        .flatMap((panel) => panel.targets ?? [])
        .flatMap((target) => [...(target.expr ?? '').matchAll(/\bswitchyard_[a-z_]+/g)])
        .map(([metric]) => metric.replace(/_(bucket|count|sum)$/, '')),
    );
    const exported = new Set<string>();
    for (const name of services.keys()) {
      const { text } = await scrape(name);
      for (const [, metric] of text.matchAll(/^# TYPE (\S+) /gm)) exported.add(metric ?? '');
    }
    expect(queried.size).toBeGreaterThan(10);
    expect([...queried].filter((metric) => !exported.has(metric))).toEqual([]);
    const panelSources = dashboard.panels.flatMap((panel) =>
      panel.datasource ? [panel.datasource.uid] : [],
    );
    expect(panelSources.length).toBeGreaterThan(0);
    expect(panelSources.filter((uid) => !provisioned.includes(uid))).toEqual([]);
  });

  it('counts messages out by transport: orders on JetStream and core NATS, the bridge on Kafka', async () => {
    await placeConfirmedOrder();
    const published = 'switchyard_messages_published_total';
    const orders = (await scrape('orders')).samples;
    expect(sum(find(orders, published, { transport: 'jetstream' }))).toBeGreaterThan(0);
    expect(
      sum(
        find(orders, published, {
          transport: 'core',
          destination: names.nats.subjects.allOrderNotifications,
        }),
      ),
    ).toBeGreaterThan(0);
    // One scrape: every record the bridge got acked is one message out on the topic.
    const bridge = (await scrape('bridge')).samples;
    const forwarded = sum(find(bridge, 'switchyard_bridge_forward_latency_seconds_count'));
    expect(forwarded).toBeGreaterThan(0);
    expect(
      sum(
        find(bridge, published, {
          transport: 'kafka',
          destination: names.kafka.topics.orderEvents.name,
        }),
      ),
    ).toBe(forwarded);
  });

  it('answers liveness and readiness with real indicators on every service', async () => {
    const indicators: Record<string, string[]> = {
      gateway: ['nats'],
      orders: ['nats', `jetstream-consumer:${names.nats.consumers.ordersSaga.durable}`],
      inventory: ['nats'],
      payments: ['nats', `jetstream-consumer:${names.nats.consumers.paymentsWorker.durable}`],
      bridge: ['nats', 'kafka', `jetstream-consumer:${names.bridgeRoutes[0].durable}`],
      projector: ['kafka', 'postgres', `kafka-group:${names.kafka.groups.projector}`],
      rebuilder: ['kafka', 'postgres'],
    };
    for (const [name, expected] of Object.entries(indicators)) {
      const live = await fetch(`${service(name).url}/healthz`);
      expect({ name, status: live.status }).toEqual({ name, status: 200 });
      const ready = await fetch(`${service(name).url}/readyz`);
      const body = (await ready.json()) as {
        status: string;
        info: Record<string, { status: string }>;
      };
      expect({ name, status: ready.status, health: body.status }).toEqual({
        name,
        status: 200,
        health: 'ok',
      });
      for (const indicator of expected) {
        expect({ name, indicator, status: body.info[indicator]?.status }).toEqual({
          name,
          indicator,
          status: 'up',
        });
      }
    }
  });
});
