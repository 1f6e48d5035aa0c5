import './telemetry';
import 'reflect-metadata';
import { runService, start } from '@switchyard/service';
import { config } from './config';
import { GatewayModule } from './gateway.module';
import { serveApiDocs } from './openapi/api-docs-route';

start(() =>
  runService({
    name: 'gateway',
    module: GatewayModule,
    config,
    bodyLimitBytes: config.HTTP_BODY_LIMIT_BYTES,
    beforeListen: serveApiDocs,
  }),
);
