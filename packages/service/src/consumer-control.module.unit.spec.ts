import { catalog, topology } from '@switchyard/contracts';
import { ConsumerControlModule } from './consumer-control.module';

const route = catalog(topology('t1')).broadcasts.consumerControl;

describe('ConsumerControlModule: the serving side of the consumerControl broadcast route', () => {
  it('serves it for an app the catalog lists as a server', () => {
    expect(ConsumerControlModule.forRoot({ route, service: 'payments' }).module).toBe(
      ConsumerControlModule,
    );
  });

  it('refuses, at compile time and at start, an app the catalog does not list', () => {
    expect(() =>
      ConsumerControlModule.forRoot({
        route,
        // @ts-expect-error the rebuilder runs no consumer the control plane pauses
        service: 'rebuilder',
      }),
    ).toThrow(/the catalog does not list rebuilder as a server of ConsumerControl/);
  });
});
