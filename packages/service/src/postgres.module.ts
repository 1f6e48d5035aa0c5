import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Pool } from 'pg';
import type { ReadinessCheck } from './health';

export const PG_POOL = Symbol('switchyard:pg-pool');

@Injectable()
export class PostgresReadiness implements ReadinessCheck, OnApplicationShutdown {
  readonly name = 'postgres';

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async check(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

@Global()
@Module({})
export class PostgresModule {
  static forRoot(options: { url: string; applicationName: string }): DynamicModule {
    const providers = [
      {
        provide: PG_POOL,
        useFactory: () =>
          new Pool({
            connectionString: options.url,
            application_name: options.applicationName,
            max: 10,
          }),
      },
      PostgresReadiness,
    ];
    return { module: PostgresModule, providers, exports: providers };
  }
}
