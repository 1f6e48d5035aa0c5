import { GetProjectionStatusQuerySchema, RebuildProjectionCommandSchema } from './projections';
import { topology } from './topology';

describe('the rebuild control plane contracts', () => {
  it('given a known projection, when parsed, then the command and the query accept it', () => {
    expect(RebuildProjectionCommandSchema.parse({ projection: 'orders' })).toEqual({
      projection: 'orders',
    });
    expect(GetProjectionStatusQuerySchema.safeParse({ projection: 'orders' }).success).toBe(true);
  });

  it('given an unknown projection or an extra field, when parsed, then it is refused', () => {
    expect(RebuildProjectionCommandSchema.safeParse({ projection: 'invoices' }).success).toBe(
      false,
    );
    expect(
      RebuildProjectionCommandSchema.safeParse({ projection: 'orders', force: true }).success,
    ).toBe(false);
  });

  it('names the subjects per namespace and keeps progress out of every stream', () => {
    const names = topology('t1');
    expect(names.nats.subjects.rebuildProjection).toBe('t1.projections.cmd.rebuild');
    expect(names.nats.subjects.getProjectionStatus).toBe('t1.projections.query.status');
    const progress = names.nats.subjects.rebuildProgress('orders');
    expect(progress).toBe('t1.projections.orders.rebuild.progress');
    for (const stream of Object.values(names.nats.streams)) {
      for (const subject of stream.subjects) {
        expect(progress.startsWith(subject.replace(/\.>$/, '.'))).toBe(false);
      }
    }
  });
});
