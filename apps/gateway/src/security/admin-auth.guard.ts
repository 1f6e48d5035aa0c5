import {
  applyDecorators,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { config } from '../config';
import { problem } from '../http/problem-details';
import { ADMIN_SECURITY_SCHEME, ApiProblem } from '../openapi/api-docs';
import { bearerToken, tokensMatch } from './admin-token';

/**
 * `WWW-Authenticate` of a 401 (RFC 6750 §3): which scheme to use, and, when a token was
 * sent, that it was the wrong one.
 */
const challenge = (error?: 'invalid_token') =>
  `Bearer realm="switchyard-admin"${error ? `, error="${error}"` : ''}`;

/**
 * ### Only the operator: `Authorization: Bearer <ADMIN_TOKEN>`
 *
 * - no `ADMIN_TOKEN` configured → **403** `Admin API disabled`: fail closed, whatever is sent;
 * - no bearer token → **401** `Authentication required`, with `WWW-Authenticate: Bearer`;
 * - a token that is not the configured one → **401** `Invalid admin token`
 *   (`error="invalid_token"`): the same answer for every wrong token, compared in constant
 *   time (`tokensMatch`).
 *
 * A bearer header, not a cookie: a browser never attaches it by itself, so a page on
 * another site cannot make an operator's browser send it (no CSRF through this door).
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const expected = config.ADMIN_TOKEN;
    if (expected === undefined) {
      throw new ForbiddenException(
        problem(403, 'Admin API disabled', {
          detail: 'The gateway has no ADMIN_TOKEN: the admin API is off until one is configured.',
        }),
      );
    }
    const presented = bearerToken(request.headers.authorization);
    if (presented === undefined) {
      void reply.header('www-authenticate', challenge());
      throw new UnauthorizedException(
        problem(401, 'Authentication required', {
          detail: 'Send the admin token: `Authorization: Bearer <token>`.',
        }),
      );
    }
    if (!tokensMatch(presented, expected)) {
      void reply.header('www-authenticate', challenge('invalid_token'));
      throw new UnauthorizedException(problem(401, 'Invalid admin token'));
    }
    return true;
  }
}

/** Puts a controller or route behind the admin token, and documents it. */
export const AdminOnly = () =>
  applyDecorators(
    UseGuards(AdminAuthGuard),
    ApiBearerAuth(ADMIN_SECURITY_SCHEME),
    ApiProblem(
      401,
      '`Authentication required` (no bearer token; `WWW-Authenticate: Bearer`) or ' +
        '`Invalid admin token`.',
    ),
    ApiProblem(403, '`Admin API disabled`: the gateway has no `ADMIN_TOKEN`.'),
  );
