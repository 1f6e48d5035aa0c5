import { NestFactory } from '@nestjs/core';
import { Transport, type NatsOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyServerOptions } from 'fastify';
import { Logger } from 'nestjs-pino';
import type { CommonEnv } from '@switchyard/config';
import { natsConnectionOptions, redactUrl } from '@switchyard/messaging';
import { TracingInterceptor } from './tracing';
import { utf8JsonBodyParser } from './utf8-json-body';

export interface ServiceDefinition {
  /** Service name: log field, NATS connection name, Kafka client id. */
  name: string;
  module: unknown;
  config: CommonEnv;
  /** Listen for NATS request-reply (`@MessagePattern`) on this connection. */
  natsServer?: boolean;
  /** Largest accepted HTTP body; bigger ones get 413 before any handler runs. */
  bodyLimitBytes?: number;
  /**
   * Last step before the server listens, for what needs the application itself rather
   * than a module (the gateway's OpenAPI document and `/docs`): Fastify takes no routes
   * once it listens.
   */
  beforeListen?: (app: NestFastifyApplication) => void | Promise<void>;
  /**
   * Fastify's own options besides the body limit (timeouts, a `serverFactory`): what an
   * HTTP edge needs that a service's health port does not.
   */
  fastify?: Omit<FastifyServerOptions, 'bodyLimit' | 'logger'>;
  /**
   * First step after the application exists, before any route is registered: Fastify
   * plugins that hook every route (rate limiting, security headers) go here.
   */
  configureHttp?: (app: NestFastifyApplication) => void | Promise<void>;
}

/**
 * Starts a Switchyard service: Fastify HTTP (health endpoints; the API on the gateway),
 * optionally a NATS microservice for request-reply, JSON logs, and shutdown hooks so
 * SIGTERM drains consumers and leaves groups instead of dropping work.
 *
 * Prints one `service ready` log line with the URL once everything listens: tests and
 * the demo runner wait for it.
 */
export async function runService(definition: ServiceDefinition): Promise<NestFastifyApplication> {
  const {
    name,
    module,
    config,
    natsServer = false,
    bodyLimitBytes = 64 * 1024,
    beforeListen,
    fastify = {},
    configureHttp,
  } = definition;
  const app = await NestFactory.create<NestFastifyApplication>(
    module as never,
    new FastifyAdapter({ ...fastify, bodyLimit: bodyLimitBytes } as FastifyServerOptions),
    // abortOnError false: a wiring error (a missing provider) rejects here, and `start`
    // exits non-zero, instead of leaving a half-started process running.
    { bufferLogs: true, abortOnError: false },
  );
  // Registered through Nest, which otherwise installs its own `application/json` parser at init.
  app.useBodyParser(
    'application/json',
    { bodyLimit: bodyLimitBytes },
    utf8JsonBodyParser(app.getHttpAdapter().getInstance()),
  );
  await configureHttp?.(app);
  const logger = app.get(Logger);
  app.useLogger(logger);
  // Before the microservice connects: with inheritAppConfig it shares these interceptors.
  app.useGlobalInterceptors(new TracingInterceptor());
  app.enableShutdownHooks();

  if (natsServer) {
    app.connectMicroservice<NatsOptions>(
      {
        transport: Transport.NATS,
        options: {
          // The same user and inbox prefix as the service's other connections.
          ...natsConnectionOptions(config, `${name}-rpc`),
          maxReconnectAttempts: -1,
          reconnectTimeWait: 250,
          // On shutdown, leave the queue groups first (new requests go to the other
          // instances), give the handlers in flight a moment to reply, then close. Closing
          // at once dropped their replies: the callers got 504s (found by the fault drills).
          gracefulShutdown: true,
          gracePeriod: 1_000,
        },
      },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
  }

  await beforeListen?.(app);
  await app.listen({ port: config.HTTP_PORT, host: '0.0.0.0' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.HTTP_PORT;
  logger.log({
    msg: 'service ready',
    url: `http://127.0.0.1:${port}`,
    namespace: config.SWITCHYARD_NAMESPACE,
  });
  return app;
}

/** Runs `main`, and on a start-up failure logs why and exits non-zero (no half-started service). */
export function start(main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    console.error(
      // Redacted: a URL with credentials in a cause must not reach the log.
      JSON.stringify({
        level: 'fatal',
        msg: 'service failed to start',
        err: redactUrl(String(error)),
      }),
    );
    process.exit(1);
  });
}
