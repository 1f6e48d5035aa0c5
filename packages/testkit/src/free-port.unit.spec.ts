import { belowEphemeralRange, portRange } from './free-port';

describe('portRange: SWITCHYARD_PORT_RANGE', () => {
  it('given nothing or blanks, then there is no range (the OS picks)', () => {
    expect(portRange(undefined)).toBeUndefined();
    expect(portRange('  ')).toBeUndefined();
  });

  it('given "low-high", then both ends are read, spaces allowed', () => {
    expect(portRange('33000-33999')).toEqual([33000, 33999]);
    expect(portRange(' 40000 - 40000 ')).toEqual([40000, 40000]);
  });

  it.each(['33000', '33999-33000', '80-90', '60000-70000', 'a-b'])(
    'given "%s", then it refuses rather than silently using any port',
    (value) => {
      expect(() => portRange(value)).toThrow(/SWITCHYARD_PORT_RANGE/);
    },
  );
});

describe('belowEphemeralRange: where test ports come from by default', () => {
  it("given Linux's default ephemeral range, then 20000 up to just below it", () => {
    expect(belowEphemeralRange('32768\t60999\n')).toEqual([20000, 32767]);
  });

  it('given an ephemeral range that starts too low to leave room, or nothing readable, then none (the OS picks)', () => {
    expect(belowEphemeralRange('1024 65535')).toBeUndefined();
    expect(belowEphemeralRange('20500 65535')).toBeUndefined();
    expect(belowEphemeralRange(undefined)).toBeUndefined();
    expect(belowEphemeralRange('')).toBeUndefined();
  });
});
