import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ClientProxy, NatsRecordBuilder } from '@nestjs/microservices';
import { NoRespondersError, type NatsConnection } from '@nats-io/transport-node';
import {
  describeIssues,
  type AppName,
  type BroadcastRouteDefinition,
  type RouteDefinition,
} from '@switchyard/contracts';
import { toNatsHeaders, withProducerSpan } from '@switchyard/messaging';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import type { z } from 'zod';

export const REQUEST_REPLY_TRANSPORT = Symbol('switchyard:request-reply-transport');
export const REQUEST_REPLY_OPTIONS = Symbol('switchyard:request-reply-options');

export interface RequestReplyOptions {
  /** The app that calls: a route that does not list it as a client is refused. */
  app: AppName;
  /** From config; when left out, each route's own `timeoutMs`. */
  timeoutMs?: number;
}

/** Nobody subscribes to the route's subject: NATS answered "no responders" at once. */
export class NoResponderError extends Error {
  constructor(readonly subject: string) {
    super(`nobody is listening on ${subject} (NATS "no responders")`);
    this.name = 'NoResponderError';
  }
}

/** A responder exists but did not answer in time: the request may still complete. */
export class RequestTimeoutError extends Error {
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
  ) {
    super(`no reply on ${subject} within ${timeoutMs} ms; the request may still complete`);
    this.name = 'RequestTimeoutError';
  }
}

/** The service answered with an error: its problem (status, title, detail, errors). */
export class RemoteProblemError extends Error {
  constructor(
    readonly subject: string,
    readonly problem: { status: number; title: string } & Record<string, unknown>,
  ) {
    super(`${subject} answered ${problem.status} ${problem.title}`);
    this.name = 'RemoteProblemError';
  }
}

/** The service answered something its route's reply schema refuses. */
export class InvalidReplyError extends Error {
  constructor(subject: string, issues: string) {
    super(`the reply on ${subject} breaks its schema: ${issues}`);
    this.name = 'InvalidReplyError';
  }
}

/**
 * ### One request-reply client for every caller, driven by the catalog's routes.
 *
 * Nest's `ClientProxy.send()` over NATS waits forever by default, so every request gets
 * the route's timeout (or the caller's configured one). The ways a request fails are
 * told apart, so that each caller can act on them: the gateway maps them to 503 / 504 /
 * the service's own status; the saga lets any of them fail its step (nak, retried later).
 * - nobody subscribes (the service is down): "no responders" at once → `NoResponderError`;
 * - a responder does not answer in time → `RequestTimeoutError`;
 * - the service answered with an error → `RemoteProblemError` with its problem;
 * - the reply breaks the route's reply schema → `InvalidReplyError`: never trust the
 *   wire, in either direction.
 */
/**
 * When a broadcast's gathering ends, besides its timeout: nobody knows how many instances
 * run, so either when the replies stop coming (`stall` ms after the last one: fine for
 * instant answers) or once `count` replies came (the requester counted the instances first).
 */
export type GatherUntil = { stall: number } | { count: number };

@Injectable()
export class RequestReplyClient implements OnApplicationShutdown {
  private readonly logger = new Logger(RequestReplyClient.name);

  constructor(
    @Inject(REQUEST_REPLY_TRANSPORT) private readonly client: ClientProxy,
    @Inject(REQUEST_REPLY_OPTIONS) private readonly options: RequestReplyOptions,
  ) {}

  async request<TRoute extends RouteDefinition>(
    route: TRoute,
    request: z.input<TRoute['request']>,
    headers: Record<string, string>,
  ): Promise<z.infer<TRoute['reply']>> {
    if (!route.clients.includes(this.options.app))
      throw new Error(`the catalog does not list ${this.options.app} as a client of ${route.name}`);
    const timeoutMs = this.options.timeoutMs ?? route.timeoutMs;
    let reply: unknown;
    try {
      // A CLIENT span per request; its context rides in the NATS headers, so the handler's
      // span (another process) becomes its child: one trace.
      reply = await withProducerSpan(
        { system: 'nats', operation: 'request', destination: route.subject },
        headers,
        (traced) => {
          const record = new NatsRecordBuilder(request).setHeaders(toNatsHeaders(traced)).build();
          return firstValueFrom(
            this.client.send<unknown>(route.subject, record).pipe(timeout(timeoutMs)),
          );
        },
      );
    } catch (error) {
      throw classify(error, route.subject, timeoutMs);
    }
    const parsed = route.reply.safeParse(reply);
    if (!parsed.success)
      throw new InvalidReplyError(route.subject, describeIssues(parsed.error).join('; '));
    return parsed.data as z.infer<TRoute['reply']>;
  }

  /**
   * ### A broadcast route: one request, a reply from every instance of `server`.
   *
   * No queue group, so NATS hands the request to every instance, and `requestMany`
   * collects their replies until `until` says the round is over, or the route's timeout
   * (or the configured one) passes. Each reply is validated with the route's schema; one
   * that breaks it is logged and left out, so one bad instance does not hide the others.
   * Nobody running the server is NATS "no responders": zero replies, not an error.
   */
  async gather<TRoute extends BroadcastRouteDefinition>(
    route: TRoute,
    server: TRoute['servers'][number],
    request: z.input<TRoute['request']>,
    until: GatherUntil,
  ): Promise<z.infer<TRoute['reply']>[]> {
    if (!route.clients.includes(this.options.app))
      throw new Error(`the catalog does not list ${this.options.app} as a client of ${route.name}`);
    const subject = route.subject(server);
    await this.client.connect();
    const nc = this.client.unwrap<NatsConnection>();
    const replies: z.infer<TRoute['reply']>[] = [];
    try {
      const messages = await nc.requestMany(subject, JSON.stringify(request), {
        ...('count' in until
          ? { strategy: 'count' as const, maxMessages: until.count }
          : { strategy: 'stall' as const, stall: until.stall }),
        maxWait: this.options.timeoutMs ?? route.timeoutMs,
      });
      for await (const message of messages) {
        let raw: unknown;
        try {
          raw = message.json();
        } catch {
          raw = undefined;
        }
        const parsed = route.reply.safeParse(raw);
        if (parsed.success) replies.push(parsed.data as z.infer<TRoute['reply']>);
        else this.logger.warn(`ignored a reply on ${subject} that breaks ${route.name}'s schema`);
      }
    } catch (error) {
      if (!(error instanceof NoRespondersError)) throw error;
    }
    return replies;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

function classify(error: unknown, subject: string, timeoutMs: number): Error {
  if (error instanceof TimeoutError) return new RequestTimeoutError(subject, timeoutMs);
  // Nest does not export this class; its constructor name is stable API in practice.
  if (error instanceof Error && error.constructor.name === 'EmptyResponseException')
    return new NoResponderError(subject);
  // An RpcException from the service arrives as its plain error object.
  const remote = error as { status?: unknown; title?: unknown };
  if (typeof remote?.status === 'number' && typeof remote.title === 'string')
    return new RemoteProblemError(subject, remote as RemoteProblemError['problem']);
  return error instanceof Error ? error : new Error(String(error));
}
