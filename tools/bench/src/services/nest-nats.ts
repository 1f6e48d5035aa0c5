import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientNats,
  EventPattern,
  MessagePattern,
  Payload,
  Transport,
  type ClientProxy,
  type MicroserviceOptions,
} from '@nestjs/microservices';
import { natsConnectionOptions } from '@switchyard/messaging';
import { MuxedReplyClientNats } from '@switchyard/service';
import { lastValueFrom, timeout } from 'rxjs';
import { benchEnv } from '../env';

/**
 * ### The NestJS side: a real `@MessagePattern` in a queue group, and a `ClientProxy`.
 *
 * This is exactly how the services talk (the gateway's `ServiceClient` uses
 * `ClientProxy.send` on a `MuxedReplyClientNats`, the orders service answers with
 * `@MessagePattern(…, { queue })`).
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
    options: natsConnectionOptions(benchEnv, 'bench-nest-responder'),
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
    options: natsConnectionOptions(benchEnv, 'bench-nest-subscriber'),
    logger: false,
  });
  await app.listen();
  return app;
}

/**
 * The gateway's client (`MuxedReplyClientNats`: one reply subscription for all requests),
 * or Nest's stock `ClientNats` (a subscription per request), to show what that changes.
 */
export async function createNestClient(kind: 'gateway' | 'stock'): Promise<ClientProxy> {
  const options = natsConnectionOptions(benchEnv, `bench-nest-client-${kind}`);
  const client = kind === 'gateway' ? new MuxedReplyClientNats(options) : new ClientNats(options);
  await client.connect();
  return client as unknown as ClientProxy;
}

/** `ClientProxy.send` with a timeout (it has none by default, nestjs/nest#837). */
export function nestRequestReply(
  client: ClientProxy,
  subject: string,
  data: unknown,
): Promise<unknown> {
  return lastValueFrom(client.send(subject, data).pipe(timeout(5_000)));
}
