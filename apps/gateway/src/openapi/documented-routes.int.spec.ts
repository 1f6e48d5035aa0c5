import './__tests__/isolated-gateway-env';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { runService } from '@switchyard/service';
import type { RouteOptions } from 'fastify';
import { config } from '../config';
import { VENDOR_PREFIX } from '../dashboard/dashboard-static';
import { GatewayModule } from '../gateway.module';
import { serveApiDocs } from './api-docs-route';
import { COMMITTED_DOCUMENT } from './committed-document';

/** `GET /orders/:orderId` → `GET /orders/{orderId}`, as OpenAPI spells a path. */
const operation = (method: string, url: string) => `${method} ${url.replace(/:(\w+)/g, '{$1}')}`;

/**
 * ### Every route the gateway serves is in the OpenAPI document
 *
 * The real gateway (its module, `runService`, `/docs`, the dashboard's static files) on
 * the real NATS; every route Fastify registers is recorded, and each must be documented,
 * and each documented one must exist. A new controller route without its decorators still
 * appears in the document (Nest registers it), but a route added on Fastify directly does
 * not: this test is what catches it. Not API, so not in the document: the dashboard's files
 * (`public/`, `/`, the libraries it loads from `/vendor/`) and the docs themselves (`/docs`,
 * its assets, `/docs/openapi.json`).
 * `HEAD` routes are Fastify's automatic twins of the `GET`s.
 */
describe('the routes the gateway registers', () => {
  const registered: string[] = [];
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await runService({
      name: 'gateway',
      module: GatewayModule,
      config: { ...config, HTTP_PORT: 0 },
      beforeListen: (gateway) => {
        // Routes are built when the server starts: every one of them passes here.
        gateway
          .getHttpAdapter()
          .getInstance()
          .addHook('onRoute', (route: RouteOptions) => {
            for (const method of [route.method].flat())
              registered.push(operation(method, route.url));
          });
        serveApiDocs(gateway);
      },
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('are all documented, and every documented one exists', async () => {
    const dashboardFiles = readdirSync(`${__dirname}/../../public`).map((file) => `/${file}`);
    const notApi = (route: string) => {
      const [method, url = ''] = route.split(' ');
      return (
        method === 'HEAD' ||
        url === '/' ||
        dashboardFiles.includes(url) ||
        url.startsWith(VENDOR_PREFIX) ||
        url === '/docs' ||
        url.startsWith('/docs/')
      );
    };
    const document = JSON.parse(await readFile(COMMITTED_DOCUMENT, 'utf8')) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );

    expect(registered.filter(notApi).length).toBeGreaterThan(0);
    expect([...new Set(registered.filter((route) => !notApi(route)))].sort()).toEqual(
      documented.sort(),
    );
    // The docs are served too: the UI and the document.
    expect(registered).toEqual(expect.arrayContaining(['GET /docs', 'GET /docs/openapi.json']));
  });
});
