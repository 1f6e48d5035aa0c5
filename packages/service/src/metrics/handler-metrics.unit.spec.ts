import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { NatsContext } from '@nestjs/microservices';
import { Registry } from 'prom-client';
import { lastValueFrom, of, throwError } from 'rxjs';
import { HandlerMetrics, RpcHandlerMetricsInterceptor } from './handler-metrics';

function rpcContext(subject: string): ExecutionContext {
  return {
    getType: () => 'rpc',
    switchToRpc: () => ({ getContext: () => new NatsContext([subject, undefined]) }),
    getHandler: () => function placeOrder() {},
  } as unknown as ExecutionContext;
}

describe('RpcHandlerMetricsInterceptor', () => {
  it('times a handler by its subject, with outcome ok or error', async () => {
    // Given
    const registry = new Registry();
    const interceptor = new RpcHandlerMetricsInterceptor(new HandlerMetrics(registry));
    const answers: CallHandler = { handle: () => of({ orderId: 'o-1' }) };
    const fails: CallHandler = { handle: () => throwError(() => new Error('conflict')) };

    // When one request succeeds and one fails
    await lastValueFrom(interceptor.intercept(rpcContext('orders.cmd.place'), answers));
    await expect(
      lastValueFrom(interceptor.intercept(rpcContext('orders.cmd.place'), fails)),
    ).rejects.toThrow('conflict');

    // Then each is counted once, under the subject (never the payload)
    const text = await registry.metrics();
    expect(text).toContain(
      'switchyard_rpc_handler_duration_seconds_count{subject="orders.cmd.place",outcome="ok"} 1',
    );
    expect(text).toContain(
      'switchyard_rpc_handler_duration_seconds_count{subject="orders.cmd.place",outcome="error"} 1',
    );
  });

  it('leaves HTTP alone (the Fastify hook times it)', async () => {
    const registry = new Registry();
    const interceptor = new RpcHandlerMetricsInterceptor(new HandlerMetrics(registry));
    const http = { getType: () => 'http' } as unknown as ExecutionContext;

    await lastValueFrom(interceptor.intercept(http, { handle: () => of('ok') }));

    expect(await registry.metrics()).not.toContain(
      'switchyard_rpc_handler_duration_seconds_count{',
    );
  });
});
