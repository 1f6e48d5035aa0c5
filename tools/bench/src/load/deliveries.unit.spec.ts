import { Deliveries } from './deliveries';

describe('Deliveries', () => {
  it('resolves a message once every subscriber received it', async () => {
    const deliveries = new Deliveries();
    let done = false;
    const delivered = deliveries.expect(7, 2).then(() => (done = true));
    deliveries.received(7);
    await Promise.resolve();
    expect(done).toBe(false);
    deliveries.received(7);
    await delivered;
    expect(done).toBe(true);
    expect(deliveries.total).toBe(2);
  });

  it('counts messages nobody waits for (warm-up, bursts)', () => {
    const deliveries = new Deliveries();
    deliveries.received(-1);
    expect(deliveries.total).toBe(1);
  });
});
