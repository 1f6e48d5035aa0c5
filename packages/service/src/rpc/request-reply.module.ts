import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { ClientsModule, type ClientProxy } from '@nestjs/microservices';
import { natsConnectionOptions, type NatsSettings } from '@switchyard/messaging';
import { MuxedReplyClientNats } from '../muxed-reply-client';
import {
  REQUEST_REPLY_OPTIONS,
  REQUEST_REPLY_TRANSPORT,
  RequestReplyClient,
  type RequestReplyOptions,
} from './request-reply.client';

export interface RequestReplyModuleOptions extends RequestReplyOptions {
  /** `NATS_URL` and the credentials: the app's user, with its inbox prefix for the replies. */
  settings: NatsSettings;
}

/**
 * Request-reply to the catalog's routes: `RequestReplyClient`, over Nest's NATS client with
 * one reply subscription for all requests (`MuxedReplyClientNats`). The transport is
 * exported too (`REQUEST_REPLY_TRANSPORT`), for readiness and broadcast requests.
 */
@Global()
@Module({})
export class RequestReplyModule {
  static forRoot(options: RequestReplyModuleOptions): DynamicModule {
    const { settings, ...clientOptions } = options;
    const transport = ClientsModule.register([
      {
        name: REQUEST_REPLY_TRANSPORT,
        // Nest types `customClass` as a ClientProxy with no status type; ClientNats has one.
        customClass: MuxedReplyClientNats as unknown as Type<ClientProxy>,
        options: {
          ...natsConnectionOptions(settings, `${options.app}-requests`),
          maxReconnectAttempts: -1,
          reconnectTimeWait: 250,
        },
      },
    ]);
    return {
      module: RequestReplyModule,
      imports: [transport],
      providers: [{ provide: REQUEST_REPLY_OPTIONS, useValue: clientOptions }, RequestReplyClient],
      exports: [RequestReplyClient, transport],
    };
  }
}
