import { messageCount, resolveShape, retentionMs, ShapeError } from './shape';

const noFile = () => {
  throw new Error('no file expected');
};

describe('the workload shape', () => {
  it('given nothing, then the defaults: a small at-least-once shape on all three transports', () => {
    const shape = resolveShape(undefined, {}, noFile);
    expect(shape).toMatchObject({
      size: 256,
      rate: 300,
      fanout: 2,
      consumers: 1,
      delivery: 'at-least-once',
      retention: '1h',
      duration: 10,
      transports: ['core', 'jetstream', 'kafka'],
    });
    expect(messageCount(shape)).toBe(3_000);
  });

  it('given a YAML file and flags, then flags win field by field', () => {
    const yaml =
      'size: 1024\nrate: 50\nburst: { size: 20, everyMs: 100 }\ndelivery: at-most-once\n';
    const shape = resolveShape('shape.yaml', { size: '64', duration: '2' }, () => yaml);
    expect(shape).toMatchObject({ size: 64, rate: 50, delivery: 'at-most-once', duration: 2 });
    expect(shape.burst).toEqual({ size: 20, everyMs: 100 });
    expect(messageCount(shape)).toBe(400); // 20 per 100 ms for 2 s
  });

  it('given bad fields, then every one is named with what is expected', () => {
    const yaml = 'rate: -5\ndelivery: exactly-once\nretention: 3 weeks\ncolour: blue\n';
    let error: unknown;
    try {
      resolveShape('bad.yaml', {}, () => yaml);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ShapeError);
    const message = (error as Error).message;
    expect(message).toContain('invalid shape in bad.yaml');
    expect(message).toMatch(/rate: .*>0/);
    expect(message).toMatch(/delivery: .*at-most-once.*at-least-once/);
    expect(message).toContain('retention: use none, forever, or a number with s, m, h or d');
    expect(message).toContain('colour');
  });

  it('given YAML that does not parse or is not a mapping, then the file is named', () => {
    expect(() => resolveShape('a.yaml', {}, () => 'size: [1,')).toThrow(/^a\.yaml: /);
    expect(() => resolveShape('b.yaml', {}, () => '- 1\n- 2\n')).toThrow(
      'b.yaml: expected a mapping of shape fields',
    );
  });

  it('reads retention as ms: none is 0, forever is infinite', () => {
    expect(retentionMs('none')).toBe(0);
    expect(retentionMs('0')).toBe(0);
    expect(retentionMs('90s')).toBe(90_000);
    expect(retentionMs('2h')).toBe(7_200_000);
    expect(retentionMs('7d')).toBe(604_800_000);
    expect(retentionMs('forever')).toBe(Number.POSITIVE_INFINITY);
  });
});
