import {
  BadGatewayException,
  GatewayTimeoutException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import type { RouteDefinition } from '@switchyard/contracts';
import {
  InvalidReplyError,
  NoResponderError,
  RemoteProblemError,
  REQUEST_REPLY_TRANSPORT,
  RequestReplyClient,
  RequestTimeoutError,
  type ReadinessCheck,
} from '@switchyard/service';
import type { z } from 'zod';
import { problem } from '../http/problem-details';
import { RequestLatency } from './request-latency';

/**
 * ### Request-reply to the services, with the failures spelled out as HTTP.
 *
 * The shared `RequestReplyClient` applies the route's timeout and validates the reply;
 * here each way it fails becomes an answer:
 * - nobody subscribes to the subject (the service is down): "no responders" → **503**;
 * - a responder exists but does not answer in time → **504** (the request may still complete);
 * - the service answered with an error → its own status (400, 409, 503…);
 * - the reply breaks its schema → **502**.
 */
@Injectable()
export class ServiceClient {
  constructor(
    private readonly requests: RequestReplyClient,
    private readonly latency: RequestLatency,
  ) {}

  async request<TRoute extends RouteDefinition>(
    route: TRoute,
    data: z.input<TRoute['request']>,
    headers: Record<string, string>,
  ): Promise<z.infer<TRoute['reply']>> {
    const started = performance.now();
    try {
      const reply = await this.requests.request(route, data, headers);
      // Only round trips that got a reply: a timeout measures our patience, not NATS.
      this.latency.record(performance.now() - started);
      return reply;
    } catch (error) {
      throw toHttpException(error);
    }
  }
}

function toHttpException(error: unknown): HttpException {
  if (error instanceof RequestTimeoutError) {
    return new GatewayTimeoutException(
      problem(HttpStatus.GATEWAY_TIMEOUT, 'Service did not answer in time', {
        detail: `No reply on ${error.subject} within ${error.timeoutMs} ms; the request may still complete.`,
      }),
    );
  }
  if (error instanceof NoResponderError) {
    return new ServiceUnavailableException(
      problem(HttpStatus.SERVICE_UNAVAILABLE, 'No service is available', {
        detail: `Nobody is listening on ${error.subject} (NATS "no responders").`,
      }),
    );
  }
  if (error instanceof RemoteProblemError) {
    const { status, title } = error.problem;
    return new HttpException({ ...problem(status, title), ...error.problem }, status);
  }
  if (error instanceof InvalidReplyError) {
    return new BadGatewayException(
      problem(HttpStatus.BAD_GATEWAY, 'Invalid reply from a service', { detail: error.message }),
    );
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

  constructor(@Inject(REQUEST_REPLY_TRANSPORT) private readonly client: ClientProxy) {}

  async check(): Promise<void> {
    await this.client.connect();
    const nc = this.client.unwrap<{ flush(): Promise<void> }>();
    await nc.flush();
  }
}
