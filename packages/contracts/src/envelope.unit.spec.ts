import { validTraceHeaders } from './envelope';

const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('validTraceHeaders: what of a caller trace context is carried on', () => {
  it('keeps a valid traceparent and its tracestate', () => {
    expect(
      validTraceHeaders({ traceparent, tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWk' }),
    ).toEqual({ traceparent, tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWk' });
  });

  it('keeps a later version with extra fields', () => {
    const later = '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra';
    expect(validTraceHeaders({ traceparent: later })).toEqual({ traceparent: later });
  });

  it.each([
    ['absent', undefined],
    ['not hex', '00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01'],
    ['upper case', traceparent.toUpperCase()],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['an all-zero parent id', `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['version 00 with extra fields', `${traceparent}-extra`],
    ['a tab inside', `${traceparent}\t`],
    ['a repeated header (an array)', [traceparent, traceparent]],
  ])('drops a traceparent that is %s, and the tracestate with it', (_name, value) => {
    expect(validTraceHeaders({ traceparent: value, tracestate: 'rojo=1' })).toEqual({});
  });

  it.each([
    ['non-ASCII', 'rojo=caf\u00e9'],
    ['a control character', 'rojo=1\u0000'],
    ['longer than 512 characters', `rojo=${'x'.repeat(508)}`],
    ['empty', ''],
  ])('drops a tracestate that is %s, keeps the traceparent', (_name, tracestate) => {
    expect(validTraceHeaders({ traceparent, tracestate })).toEqual({ traceparent });
  });
});
