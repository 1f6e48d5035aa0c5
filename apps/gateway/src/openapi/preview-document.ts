import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { GatewayModule } from '../gateway.module';
import { createOpenApiDocument } from './openapi-document';

/**
 * The gateway's document without running the gateway: Nest's preview mode reads the
 * modules, routes and decorators but instantiates no provider, so no broker is needed
 * (the generator, CI and unit tests use it).
 */
export async function previewOpenApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create(GatewayModule, new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return createOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
