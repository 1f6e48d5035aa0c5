import type { Topology } from '@switchyard/contracts';
import { NAMESPACE, STRIMZI_CLUSTER, type Manifest } from './manifest';

/**
 * ### KEDA: scale the two consumers whose backlog is measurable
 *
 * - **payments** on the JetStream work queue's pending count (`nats-jetstream` scaler):
 *   replicas share the durable `PAYMENTS_WORKER`, so more pods drain it faster.
 * - **projector** on its Kafka group's lag (`kafka` scaler), capped at the topic's
 *   partition count: a group member beyond one per partition gets no partition and idles.
 *
 * A consumer paused through the gateway (ADR 0016) is paused in the pods that run; its
 * backlog then grows and KEDA adds pods, which consume: pause the ScaledObject too
 * (docs/deploy.md, "What to watch").
 *
 * Stream, consumer, topic, group and partition count come from the topology, so a renamed
 * consumer or a repartitioned topic changes these at the next `npm run docs:generate`.
 */
export function scaledObjects(t: Topology): Manifest[] {
  const worker = t.nats.consumers.paymentsWorker;
  const history = t.kafka.topics.orderEvents;
  return [
    {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'payments' },
      spec: {
        scaleTargetRef: { name: 'payments' },
        // Two stay up for availability; a pull consumer costs little while idle.
        minReplicaCount: 2,
        maxReplicaCount: 10,
        triggers: [
          {
            type: 'nats-jetstream',
            metadata: {
              // The headless Service of the NATS Helm release `nats`: on a cluster the
              // scaler asks the consumer's leader, `<pod>.<this address>`.
              natsServerMonitoringEndpoint: `nats-headless.${NAMESPACE}.svc.cluster.local:8222`,
              // Users in `authorization {}` live in the global account.
              account: '$G',
              stream: worker.stream,
              consumer: worker.durable,
              // Pending requests per replica: two pulls' worth (PAYMENTS_BATCH_SIZE 10).
              lagThreshold: '20',
            },
          },
        ],
      },
    },
    {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'projector' },
      spec: {
        scaleTargetRef: { name: 'projector' },
        minReplicaCount: 1,
        maxReplicaCount: history.partitions,
        triggers: [
          {
            type: 'kafka',
            metadata: {
              bootstrapServers: `${STRIMZI_CLUSTER}-kafka-bootstrap:9093`,
              consumerGroup: t.kafka.groups.projector,
              topic: history.name,
              // Events behind per replica before another one is added.
              lagThreshold: '1000',
              // Never count more replicas than partitions (the cap above, said twice).
              allowIdleConsumers: 'false',
            },
            authenticationRef: { name: 'keda-kafka' },
          },
        ],
      },
    },
  ];
}
