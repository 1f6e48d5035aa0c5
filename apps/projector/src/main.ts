import './telemetry';
import 'reflect-metadata';
import { runService, start } from '@switchyard/service';
import { config } from './config';
import { ProjectorModule } from './projector.module';

start(() => runService({ name: 'projector', module: ProjectorModule, config, natsServer: true }));
