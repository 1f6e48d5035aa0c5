import {
  GatewayTimeoutException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  ServiceUnavailableException,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ClientProxy, NatsRecordBuilder } from '@nestjs/microservices';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import { toNatsHeaders, withProducerSpan } from '@switchyard/messaging';
import type { ReadinessCheck } from '@switchyard/service';
import { config } from '../config';
import { problem } from '../http/problem-details';
import { RequestLatency } from './request-latency';

export const NATS_CLIENT = Symbol('NATS_CLIENT');

/**
 * ### Request-reply to the services, with the failures spelled out.
 *
 * Nest's `ClientProxy.send()` over NATS waits forever by default, so every request
 * gets a timeout. The three ways a request fails map to three answers:
 * - nobody subscribes to the subject (the service is down): the NATS server replies
 *   "no responders" at once, Nest surfaces an empty response → **503**;
 * - a responder exists but does not answer in time → **504**;
 * - the service answered with an error → its own status (400, 409, 503…).
 */
@Injectable()
export class ServiceClient implements OnApplicationShutdown {
  constructor(
    @Inject(NATS_CLIENT) private readonly client: ClientProxy,
    private readonly latency: RequestLatency,
  ) {}

  async request<TReply>(
    subject: string,
    data: unknown,
    headers: Record<string, string>,
  ): Promise<TReply> {
    // A CLIENT span per request. Its trace context rides in the NATS headers, so the
    // service's handler span (another process) becomes its child: one trace.
    const started = performance.now();
    try {
      const reply = await withProducerSpan(
        { system: 'nats', operation: 'request', destination: subject },
        headers,
        (traced) => {
          const record = new NatsRecordBuilder(data).setHeaders(toNatsHeaders(traced)).build();
          return firstValueFrom(
            this.client.send<TReply>(subject, record).pipe(timeout(config.NATS_REQUEST_TIMEOUT_MS)),
          );
        },
      );
      // Only round trips that got a reply: a timeout measures our patience, not NATS.
      this.latency.record(performance.now() - started);
      return reply;
    } catch (error) {
      throw toHttpException(error, subject);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

function toHttpException(error: unknown, subject: string): HttpException {
  if (error instanceof TimeoutError) {
    return new GatewayTimeoutException(
      problem(HttpStatus.GATEWAY_TIMEOUT, 'Service did not answer in time', {
        detail: `No reply on ${subject} within ${config.NATS_REQUEST_TIMEOUT_MS} ms; the request may still complete.`,
      }),
    );
  }
  // Nest does not export this class; its constructor name is stable API in practice.
  if (error instanceof Error && error.constructor.name === 'EmptyResponseException') {
    return new ServiceUnavailableException(
      problem(HttpStatus.SERVICE_UNAVAILABLE, 'No service is available', {
        detail: `Nobody is listening on ${subject} (NATS "no responders").`,
      }),
    );
  }
  // An RpcException from the service arrives as its plain error object.
  const remote = error as { status?: unknown; title?: unknown };
  if (typeof remote?.status === 'number' && typeof remote.title === 'string') {
    return new HttpException({ ...problem(remote.status, remote.title), ...remote }, remote.status);
  }
  return new ServiceUnavailableException(
    problem(HttpStatus.SERVICE_UNAVAILABLE, 'Service request failed', {
      detail: String((error as Error)?.message ?? error),
    }),
  );
}

@Injectable()
export class NatsReadiness implements ReadinessCheck {
  readonly name = 'nats';

  constructor(@Inject(NATS_CLIENT) private readonly client: ClientProxy) {}

  async check(): Promise<void> {
    await this.client.connect();
    const nc = this.client.unwrap<{ flush(): Promise<void> }>();
    await nc.flush();
  }
}
