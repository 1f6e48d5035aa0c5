import './telemetry';
import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { runService, start } from '@switchyard/service';
import { config } from './config';
import { GatewayModule } from './gateway.module';
import { serveApiDocs } from './openapi/api-docs-route';
import { configureHttpEdge } from './security/http-edge';
import { HttpListeners } from './security/http-listeners';

const listeners = new HttpListeners();

start(async () => {
  const app = await runService({
    name: 'gateway',
    module: GatewayModule,
    config,
    bodyLimitBytes: config.HTTP_BODY_LIMIT_BYTES,
    fastify: { serverFactory: listeners.serverFactory, trustProxy: config.TRUST_PROXY },
    configureHttp: (created) => configureHttpEdge(created, listeners),
    beforeListen: serveApiDocs,
  });
  const logger = app.get(Logger);
  const adminUrl = await listeners.listenAdmin();
  if (adminUrl) logger.log({ msg: 'admin API ready', url: adminUrl });
  if (config.ADMIN_TOKEN === undefined) {
    logger.warn({
      msg: 'admin API disabled: ADMIN_TOKEN is not set, every /admin route answers 403',
    });
  }
});
