import { telemetrySettings } from './settings';

describe('telemetry settings', () => {
  it('given no endpoint, then nothing is exported and the app name is the service name', () => {
    expect(telemetrySettings('orders', {})).toEqual({
      exporting: false,
      serviceName: 'orders',
      namespace: '',
    });
  });

  it('given a base endpoint, then spans go to its /v1/traces', () => {
    expect(
      telemetrySettings('gateway', {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318/',
        SWITCHYARD_NAMESPACE: 't1',
      }),
    ).toEqual({
      exporting: true,
      tracesUrl: 'http://jaeger:4318/v1/traces',
      serviceName: 'gateway',
      namespace: 't1',
    });
  });

  it('given a traces endpoint too, then that full URL wins', () => {
    expect(
      telemetrySettings('bridge', {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:9999/custom',
      }).tracesUrl,
    ).toBe('http://b:9999/custom');
  });

  it('given OTEL_SERVICE_NAME, then it overrides the app name', () => {
    expect(telemetrySettings('bridge', { OTEL_SERVICE_NAME: 'bridge-eu' }).serviceName).toBe(
      'bridge-eu',
    );
  });

  it('given OTEL_SDK_DISABLED=true, then nothing is exported even with an endpoint', () => {
    expect(
      telemetrySettings('bridge', {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
        OTEL_SDK_DISABLED: 'TRUE',
      }).exporting,
    ).toBe(false);
  });

  it('treats an empty endpoint as unset (compose files often pass empty strings)', () => {
    expect(telemetrySettings('bridge', { OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }).exporting).toBe(false);
  });
});
