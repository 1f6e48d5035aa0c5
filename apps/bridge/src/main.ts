import './telemetry';
import 'reflect-metadata';
import { runService, start } from '@switchyard/service';
import { BridgeModule } from './bridge.module';
import { config } from './config';

start(() => runService({ name: 'bridge', module: BridgeModule, config }));
