import { CONTROLLED_SERVICES, ConsumerControlCommandSchema } from './consumer-control';
import { topology } from './topology';

describe('the consumer control plane in the topology', () => {
  it('given a namespace, then the control subject of each service lives in it', () => {
    expect(topology('t1').nats.subjects.consumerControl('payments')).toBe(
      't1.control.payments.consumers',
    );
    expect(topology().nats.subjects.consumerControl('bridge')).toBe('control.bridge.consumers');
  });

  it('names, for every controlled service, the consumers the brokers know', () => {
    const names = topology('t1');
    expect(Object.keys(names.controlledConsumers).sort()).toEqual([...CONTROLLED_SERVICES].sort());
    expect(names.controlledConsumers.payments).toEqual([
      names.nats.consumers.paymentsWorker.durable,
    ]);
    expect(names.controlledConsumers.projector).toEqual([names.kafka.groups.projector]);
    expect(names.controlledConsumers.bridge).toEqual(
      names.bridgeRoutes.map((route) => route.durable),
    );
  });

  it('accepts only the three actions', () => {
    expect(ConsumerControlCommandSchema.safeParse({ action: 'pause' }).success).toBe(true);
    expect(ConsumerControlCommandSchema.safeParse({ action: 'stop' }).success).toBe(false);
    expect(ConsumerControlCommandSchema.safeParse({ action: 'pause', extra: 1 }).success).toBe(
      false,
    );
  });
});
