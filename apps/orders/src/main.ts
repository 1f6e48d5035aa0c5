import './telemetry';
import 'reflect-metadata';
import { runService, start } from '@switchyard/service';
import { config } from './config';
import { OrdersModule } from './orders.module';

start(() => runService({ name: 'orders', module: OrdersModule, config, natsServer: true }));
