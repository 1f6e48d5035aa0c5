import { controlResult, summarizeConsumers } from './consumer-summary';

const reply = (instance: string, paused: boolean, consumer = 'PAYMENTS_WORKER') => ({
  service: 'payments',
  instance,
  consumers: [{ consumer, paused }],
});

describe('summarizeConsumers', () => {
  it('given no instance answered, then every declared consumer is listed with 0 instances, not paused', () => {
    expect(summarizeConsumers('payments', ['PAYMENTS_WORKER'], [])).toEqual([
      { service: 'payments', consumer: 'PAYMENTS_WORKER', paused: false, instances: 0 },
    ]);
  });

  it('given two paused instances, then the consumer is paused with 2 instances', () => {
    const replies = [reply('a:1', true), reply('b:2', true)];
    expect(summarizeConsumers('payments', ['PAYMENTS_WORKER'], replies)).toEqual([
      { service: 'payments', consumer: 'PAYMENTS_WORKER', paused: true, instances: 2 },
    ]);
  });

  it('given one instance still consuming, then the consumer is not paused', () => {
    const replies = [reply('a:1', true), reply('b:2', false)];
    expect(summarizeConsumers('payments', ['PAYMENTS_WORKER'], replies)[0]!.paused).toBe(false);
  });

  it('given an instance reports a consumer the topology does not declare, then it is listed too', () => {
    const summary = summarizeConsumers('payments', ['PAYMENTS_WORKER'], [reply('a:1', true, 'X')]);
    expect(summary.map((line) => [line.consumer, line.instances])).toEqual([
      ['PAYMENTS_WORKER', 0],
      ['X', 1],
    ]);
  });
});

describe('controlResult', () => {
  it('given every running consumer paused, then the service is paused', () => {
    const consumers = summarizeConsumers('payments', ['PAYMENTS_WORKER'], [reply('a:1', true)]);
    expect(controlResult('payments', consumers, 1)).toMatchObject({ paused: true, instances: 1 });
  });

  it('given nothing runs, then the service is not called paused', () => {
    const consumers = summarizeConsumers('payments', ['PAYMENTS_WORKER'], []);
    expect(controlResult('payments', consumers, 0).paused).toBe(false);
  });
});
