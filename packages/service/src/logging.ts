import { LoggerModule } from 'nestjs-pino';
import type { CommonEnv } from '@switchyard/config';

/**
 * JSON logs (pino), one object per line, with the service name on every line.
 * Health probes are not logged: they would drown everything else.
 */
export function loggingModule(service: string, config: Pick<CommonEnv, 'LOG_LEVEL'>) {
  return LoggerModule.forRoot({
    pinoHttp: {
      level: config.LOG_LEVEL,
      base: { service },
      autoLogging: { ignore: (request) => /^\/(healthz|readyz)/.test(request.url ?? '') },
      customProps: (request) => ({ correlationId: request.headers['x-correlation-id'] }),
    },
  });
}
