import './telemetry';
import 'reflect-metadata';
import { runService, start } from '@switchyard/service';
import { config } from './config';
import { InventoryModule } from './inventory.module';

start(() => runService({ name: 'inventory', module: InventoryModule, config, natsServer: true }));
