import { randomBytes } from 'node:crypto';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientNats,
  MessagePattern,
  Payload,
  RpcException,
  Transport,
  type MicroserviceOptions,
} from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import { firstValueFrom, interval, lastValueFrom, map, take, timeout, toArray } from 'rxjs';
import { MuxedReplyClientNats } from './muxed-reply-client';

// This package sits below the testkit, so it reads the server address itself (same default).
const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** Polls `probe` until it is true; fails with `what` after 10 s (never a fixed sleep). */
async function until(what: string, probe: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A real Nest responder on real NATS; subjects unique to this run. */
describe('MuxedReplyClientNats (real NATS, real Nest responder)', () => {
  const base = `test.muxed.${randomBytes(5).toString('hex')}`;
  const subjects = {
    echo: `${base}.echo`,
    slow: `${base}.slow`,
    count: `${base}.count`,
    fail: `${base}.fail`,
  };
  let responder: INestMicroservice;
  let client: MuxedReplyClientNats;

  beforeAll(async () => {
    @Controller()
    class ResponderController {
      @MessagePattern(subjects.echo, { queue: `${base}.q` })
      echo(@Payload() data: { index: number }) {
        return { index: data.index };
      }
      @MessagePattern(subjects.slow)
      async slow() {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return 'late';
      }
      @MessagePattern(subjects.count)
      count(@Payload() upTo: number) {
        // A streamed reply: several messages, the last one marked disposed.
        return interval(5).pipe(
          take(upTo),
          map((n) => n + 1),
        );
      }
      @MessagePattern(subjects.fail)
      fail() {
        throw new RpcException({ status: 409, message: 'refused' });
      }
    }
    @Module({ controllers: [ResponderController] })
    class ResponderModule {}
    responder = await NestFactory.createMicroservice<MicroserviceOptions>(ResponderModule, {
      transport: Transport.NATS,
      options: { servers: [url] },
      logger: false,
    });
    await responder.listen();
    client = new MuxedReplyClientNats({ servers: [url], name: 'muxed-reply-test' });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await responder?.close();
  });

  it('given 200 concurrent requests, then each gets its own reply, over one reply subscription', async () => {
    const connection = client.unwrap<NatsConnection>();
    const subscribe = jest.spyOn(connection, 'subscribe');
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        firstValueFrom(client.send(subjects.echo, { index }).pipe(timeout(5_000))),
      ),
    );
    expect(replies).toEqual(Array.from({ length: 200 }, (_, index) => ({ index })));
    // Nest's ClientNats subscribes (and unsubscribes) one inbox per request: 200 here.
    expect(subscribe.mock.calls.length).toBeLessThanOrEqual(1);
    expect(client.pendingReplies).toBe(0);
    subscribe.mockRestore();
  });

  it('given a streamed reply, then every message arrives and the request is done after the last', async () => {
    const values = await lastValueFrom(
      client.send(subjects.count, 4).pipe(toArray(), timeout(5_000)),
    );
    expect(values).toEqual([1, 2, 3, 4]);
    expect(client.pendingReplies).toBe(0);
  });

  it('given an RpcException, then the caller gets its error', async () => {
    await expect(firstValueFrom(client.send(subjects.fail, {}))).rejects.toMatchObject({
      status: 409,
      message: 'refused',
    });
    expect(client.pendingReplies).toBe(0);
  });

  it('given a request that timed out, then its reply is dropped when it comes and nothing is left waiting', async () => {
    await expect(firstValueFrom(client.send(subjects.slow, {}).pipe(timeout(50)))).rejects.toThrow(
      'Timeout',
    );
    expect(client.pendingReplies).toBe(0);
    // The late reply arrives after ~300 ms to nobody: it is counted as dropped, not
    // handed to anyone, and the next request is unaffected.
    const droppedBefore = client.droppedReplies;
    await until('the late reply to arrive', () => client.droppedReplies > droppedBefore);
    expect(client.droppedReplies).toBe(droppedBefore + 1);
    expect(client.pendingReplies).toBe(0);
    await expect(
      firstValueFrom(client.send(subjects.echo, { index: 7 }).pipe(timeout(5_000))),
    ).resolves.toEqual({ index: 7 });
  });

  it("given Nest's own client on the same responder, then it answers the same (the wire protocol is unchanged)", async () => {
    const stock = new ClientNats({ servers: [url], name: 'stock-client-test' });
    await stock.connect();
    try {
      const [ours, theirs] = await Promise.all([
        firstValueFrom(client.send(subjects.echo, { index: 1 }).pipe(timeout(5_000))),
        firstValueFrom(stock.send(subjects.echo, { index: 1 }).pipe(timeout(5_000))),
      ]);
      expect(ours).toEqual(theirs);
    } finally {
      await stock.close();
    }
  });
});
