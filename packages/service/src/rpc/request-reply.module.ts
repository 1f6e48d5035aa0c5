import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { ClientsModule, type ClientProxy } from '@nestjs/microservices';
import { MuxedReplyClientNats } from '../muxed-reply-client';
import {
  REQUEST_REPLY_OPTIONS,
  REQUEST_REPLY_TRANSPORT,
  RequestReplyClient,
  type RequestReplyOptions,
} from './request-reply.client';

export interface RequestReplyModuleOptions extends RequestReplyOptions {
  url: string;
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
    const { url, ...clientOptions } = options;
    const transport = ClientsModule.register([
      {
        name: REQUEST_REPLY_TRANSPORT,
        // Nest types `customClass` as a ClientProxy with no status type; ClientNats has one.
        customClass: MuxedReplyClientNats as unknown as Type<ClientProxy>,
        options: {
          servers: url.split(','),
          name: `${options.app}-requests`,
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
