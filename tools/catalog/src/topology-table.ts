import type { Catalog, Topology } from '@switchyard/contracts';

const code = (name: string) => `\`${name}\``;

/**
 * ### The topology table of docs/architecture.md, from the catalog and the topology.
 *
 * One row per route, stream, consumer, KV bucket, core channel, topic and group: what it is
 * called and who sends or handles what on it. Laid out the way Prettier formats a Markdown
 * table, so the committed page passes `prettier --check` and equals this output.
 */
export function topologyRows(catalog: Catalog, topology: Topology): string[][] {
  const rows: string[][] = [];
  const { routes, channels, events, subscriptions } = catalog;
  const subs = Object.values(subscriptions);

  for (const route of Object.values(routes))
    rows.push([
      'NATS request-reply',
      code(route.subject),
      `${route.clients.length > 0 ? route.clients.join(', ') : 'operators, tests'} → ${route.server} (${route.name}), queue group ${code(route.queue)}`,
    ]);

  for (const stream of Object.values(topology.nats.streams)) {
    const carried = Object.entries(channels).filter(([, c]) => c.storedIn === stream.name);
    const what = carried.map(([name, c]) => {
      const producers = [...new Set(c.messages.flatMap((m) => producersOn(events, m, name)))];
      return `${producers.join(', ')} → ${c.messages.join(', ')} on ${code(c.address)}`;
    });
    const kind = 'retention' in stream && stream.retention === 'workqueue' ? ', work queue' : '';
    rows.push([
      'JetStream stream',
      `${code(stream.name)} on ${stream.subjects.map(code).join(', ')}${kind}`,
      what.length > 0 ? what.join('; ') : streamPurpose(stream.name, topology),
    ]);
  }

  for (const sub of subs) {
    const consumer = sub.consumer;
    if (consumer.kind !== 'jetstream') continue;
    rows.push([
      'JetStream consumer',
      `${code(consumer.durable)} on ${code(consumer.stream)}`,
      `${sub.app}: ${Object.keys(sub.handles).join(', ')} (${sub.delivery}); dead letters ${code(consumer.deadLetterSubject)}`,
    ]);
  }

  for (const bucket of Object.values(topology.nats.kv))
    rows.push(['JetStream KV', code(bucket.name), KV_PURPOSE[bucket.name] ?? '']);

  for (const [name, c] of Object.entries(channels)) {
    if (c.transport !== 'nats-core') continue;
    const readers = subs.filter((s) => s.channel === c).map((s) => s.app);
    const producers = c.messages.flatMap((m) => producersOn(events, m, name));
    rows.push([
      'Core NATS, at-most-once',
      code(c.address),
      `${producers.join(', ')} → ${c.messages.join(', ')}; ${readers.join(', ')} listens`,
    ]);
  }
  for (const b of Object.values(catalog.broadcasts))
    rows.push([
      'Core NATS, broadcast',
      code(b.address),
      `${b.clients.join(', ')} → every instance of ${b.servers.join(', ')} (${b.name}), no queue group`,
    ]);

  for (const [name, c] of Object.entries(channels)) {
    if (c.transport !== 'kafka') continue;
    const readers = subs.filter((s) => s.channel === c).map((s) => s.app);
    const writers = c.messages.flatMap((m) => producersOn(events, m, name));
    rows.push([
      'Kafka topic',
      `${code(c.address)} (${c.partitions} partitions, key ${c.key}, kept for ever)`,
      `${[...new Set(writers)].join(', ')} → ${c.messages.join(', ')}; ${readers.join(', ')} consume`,
    ]);
  }
  rows.push([
    'Kafka topic',
    `${code(topology.kafka.topics.deadLetters.name)} (1 partition, kept for ever)`,
    "projector's poison records, with reason and source headers",
  ]);
  for (const sub of subs) {
    if (sub.consumer.kind !== 'kafka') continue;
    rows.push([
      'Kafka consumer group',
      code(sub.consumer.group),
      `${sub.app}: ${Object.keys(sub.handles).join(', ')} (${sub.delivery})`,
    ]);
  }
  rows.push([
    'Postgres schema',
    code(topology.postgres.schema),
    'view `orders`, tables `orders_v<N>`, `projections`, `checkpoints`, `rebuild_runs`',
  ]);
  return rows;
}

/** The apps the catalog lists as producers of `event` on channel `channel`. */
function producersOn(events: Catalog['events'], event: string, channel: string): string[] {
  const producers = events[event as keyof Catalog['events']].producers as Partial<
    Record<string, readonly string[]>
  >;
  return Object.entries(producers)
    .filter(([, on]) => on?.includes(channel))
    .map(([app]) => app);
}

const KV_PURPOSE: Record<string, string> = {
  INVENTORY: 'inventory: `stock.<sku>`, `reservation.<orderId>`, every change a compare-and-set',
  PAYMENTS: 'payments: `payment.<orderId>`, the first decision per order',
  IDEMPOTENCY: 'orders: `Idempotency-Key` → the order it created, for a day',
  BRIDGE_LEASES: 'bridge: `route.<name>`, the instance that forwards the route (ADR 0025)',
};

function streamPurpose(name: string, topology: Topology): string {
  if (name === topology.nats.streams.deadLetters.name)
    return `${topology.deadLetterSources.map((s) => code(s.deadLetterSubject)).join(', ')}`;
  if (name === topology.nats.streams.redrives.name)
    return 'dead letters brought back by `npm run redrive`, one durable per source';
  return '';
}

/** A Markdown table as Prettier lays it out: cells padded to the widest in their column. */
export function markdownTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(3, ...all.map((row) => [...row[i]!].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell + ' '.repeat(widths[i]! - [...cell].length)).join(' | ')} |`;
  return [
    line(header),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}
