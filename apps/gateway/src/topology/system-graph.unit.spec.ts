import {
  catalog,
  CONTROLLED_SERVICES,
  SystemTopologySchema,
  topology,
} from '@switchyard/contracts';
import { systemGraph } from './system-graph';

describe('systemGraph', () => {
  const names = topology('t1');
  const graph = systemGraph(names, catalog(names));
  const nodeIds = new Set(graph.nodes.map((node) => node.id));

  it('is a valid SystemTopology with unique node and edge ids, every edge between two nodes', () => {
    expect(SystemTopologySchema.parse(graph)).toEqual(graph);
    expect(nodeIds.size).toBe(graph.nodes.length);
    expect(new Set(graph.edges.map((edge) => edge.id)).size).toBe(graph.edges.length);
    for (const edge of graph.edges) {
      expect([edge.id, nodeIds.has(edge.from), nodeIds.has(edge.to)]).toEqual([
        edge.id,
        true,
        true,
      ]);
    }
  });

  it('draws every durable JetStream consumer the overview measures, with its catalog semantics', () => {
    const durables = [
      ...Object.values(names.nats.consumers).map((consumer) => consumer.durable),
      ...names.bridgeRoutes.map((route) => route.durable),
    ];
    const measured = graph.edges.flatMap((edge) =>
      edge.measure?.kind === 'jetstream-consumer' ? [edge.measure.durable] : [],
    );
    expect(measured.sort()).toEqual(durables.sort());
    const payments = graph.edges.find(
      (edge) => edge.id === names.nats.consumers.paymentsWorker.durable,
    );
    expect(payments).toMatchObject({
      from: names.nats.streams.payments.name,
      to: 'payments',
      semantics: 'at-least-once',
      pausedWith: 'payments',
    });
  });

  it('names streams and the topic as the namespace does, and marks every controlled app', () => {
    expect(nodeIds).toContain(names.nats.streams.orders.name);
    expect(nodeIds).toContain(names.kafka.topics.orderEvents.name);
    expect(names.nats.streams.orders.name).toBe('T1_ORDERS');
    const topic = graph.nodes.find((node) => node.id === names.kafka.topics.orderEvents.name);
    expect(topic?.partitions).toBe(names.kafka.topics.orderEvents.partitions);
    const controlled = graph.nodes.flatMap((node) =>
      node.controlledAs ? [node.controlledAs] : [],
    );
    expect(controlled.sort()).toEqual([...CONTROLLED_SERVICES].sort());
  });

  it('labels the core NATS hops at-most-once and the projector effectively-once', () => {
    const semantics = (from: string, to: string) =>
      graph.edges.find((edge) => edge.from === from && edge.to === to)?.semantics;
    expect(semantics('orders', 'notify')).toBe('at-most-once');
    expect(semantics('notify', 'gateway')).toBe('at-most-once');
    expect(semantics('gateway', 'orders')).toBe('request-reply');
    expect(semantics(names.kafka.topics.orderEvents.name, 'projector')).toBe('effectively-once');
  });
});
