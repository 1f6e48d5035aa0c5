import './telemetry';
import 'reflect-metadata';
import { runService, start } from '@switchyard/service';
import { config } from './config';
import { PaymentsModule } from './payments.module';

start(() => runService({ name: 'payments', module: PaymentsModule, config }));
