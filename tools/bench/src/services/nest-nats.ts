import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientProxyFactory,
  EventPattern,
  MessagePattern,
  Payload,
  Transport,
  type ClientProxy,
  type MicroserviceOptions,
} from '@nestjs/microservices';
import { lastValueFrom, timeout } from 'rxjs';
import { benchEnv } from '../env';

/**
 * ### The NestJS side: a real `@MessagePattern` in a queue group, and a `ClientProxy`.
 *
 * This is exactly how the services talk (the gateway's `ServiceClient` uses
 * `ClientProxy.send`, the orders service answers with `@MessagePattern(…, { queue })`).
 * The controller is declared inside the factory because a decorator needs its subject
 * when the class is defined, and every bench run has its own namespace.
 */
export async function startNestResponder(
  subject: string,
  queue: string,
): Promise<INestMicroservice> {
  @Controller()
  class EchoController {
    @MessagePattern(subject, { queue })
    echo(@Payload() data: unknown): unknown {
      return data;
    }
  }
  @Module({ controllers: [EchoController] })
  class EchoModule {}

  const app = await NestFactory.createMicroservice<MicroserviceOptions>(EchoModule, {
    transport: Transport.NATS,
    options: { servers: benchEnv.NATS_URL.split(','), name: 'bench-nest-responder' },
    logger: false,
  });
  await app.listen();
  return app;
}

/** A Nest `@EventPattern` subscriber for the fan-out measurement (no queue: every instance gets every event). */
export async function startNestSubscriber(
  subject: string,
  onEvent: (index: number) => void,
): Promise<INestMicroservice> {
  @Controller()
  class FanoutController {
    @EventPattern(subject)
    received(@Payload() data: unknown): void {
      onEvent((data as { i: number }).i);
    }
  }
  @Module({ controllers: [FanoutController] })
  class FanoutModule {}

  const app = await NestFactory.createMicroservice<MicroserviceOptions>(FanoutModule, {
    transport: Transport.NATS,
    options: { servers: benchEnv.NATS_URL.split(','), name: 'bench-nest-subscriber' },
    logger: false,
  });
  await app.listen();
  return app;
}

export async function createNestClient(): Promise<ClientProxy> {
  const client = ClientProxyFactory.create({
    transport: Transport.NATS,
    options: { servers: benchEnv.NATS_URL.split(','), name: 'bench-nest-client' },
  });
  await client.connect();
  return client;
}

/** `ClientProxy.send` with a timeout (it has none by default, nestjs/nest#837). */
export function nestRequestReply(
  client: ClientProxy,
  subject: string,
  data: unknown,
): Promise<unknown> {
  return lastValueFrom(client.send(subject, data).pipe(timeout(5_000)));
}
