import './telemetry';
import 'reflect-metadata';
import { runService, start } from '@switchyard/service';
import { config } from './config';
import { GatewayModule } from './gateway.module';

start(() =>
  runService({
    name: 'gateway',
    module: GatewayModule,
    config,
    bodyLimitBytes: config.HTTP_BODY_LIMIT_BYTES,
  }),
);
