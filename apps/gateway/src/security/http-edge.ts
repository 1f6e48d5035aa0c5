import { HttpException } from '@nestjs/common';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { config } from '../config';
import { problem } from '../http/problem-details';
import type { HttpListeners } from './http-listeners';
import { isAllowedOrigin } from './origin-policy';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const isAdminPath = (url: string) => url === '/admin' || url.startsWith('/admin/');
/** Probes and scrapes come from the platform, often, and must never be refused. */
const isProbe = (url: string) => /^\/(healthz|readyz|metrics)(\?|$)/.test(url);

/**
 * ### The HTTP edge's defences, in the order a request meets them (ADR 0034)
 *
 * 1. **Security headers** (`@fastify/helmet`) on every answer, with a Content Security
 *    Policy that lets a page run only the gateway's own scripts and styles: the dashboard
 *    has no inline code, so an injected `<script>` would not run. Swagger UI (`/docs`)
 *    writes inline `<style>` blocks, so its pages alone may use inline styles.
 * 2. **Rate limit** per client IP (`@fastify/rate-limit`): `RATE_LIMIT_MAX` requests per
 *    `RATE_LIMIT_WINDOW_MS`, then 429 with `Retry-After`. Probes are exempt.
 * 3. **Admin port**: `/admin/*` on the public port is a 404 when `ADMIN_PORT` is set.
 * 4. **Cross-site requests**: a state-changing request from a page on another origin is a
 *    403, and an admin `POST` must be `application/json` (415 otherwise): a plain HTML form
 *    can send neither that content type nor, without a preflight the gateway never
 *    answers, from another origin.
 * 5. Then the route: the admin token (`AdminAuthGuard`), validation, the handler.
 *
 * Registered before Nest adds any route: the rate limiter hooks each route as it is added.
 */
export async function configureHttpEdge(
  app: NestFastifyApplication,
  listeners: HttpListeners,
): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onClose', () => listeners.close());
  await fastify.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        ...CSP,
        // Plain http on localhost and in compose: upgrading would break every subresource.
        upgradeInsecureRequests: null,
      },
    },
  });
  fastify.addHook('onSend', async (request, reply) => {
    if (request.url === '/docs' || request.url.startsWith('/docs/'))
      void reply.header('content-security-policy', DOCS_CSP);
  });
  await fastify.register(rateLimit, {
    max: config.RATE_LIMIT_MAX,
    timeWindow: config.RATE_LIMIT_WINDOW_MS,
    allowList: (request) => isProbe(request.url),
    // Thrown through Nest's problem-details filter: a 429 problem, `Retry-After` already set.
    errorResponseBuilder: (_request, context) =>
      new HttpException(
        problem(429, 'Too many requests', {
          detail: `More than ${context.max} requests in ${config.RATE_LIMIT_WINDOW_MS / 1000} s from this address; retry in ${context.after}.`,
        }),
        429,
      ),
  });
  fastify.addHook('onRequest', async (request) => {
    if (isAdminPath(request.url) && !listeners.servesAdmin(request.raw)) {
      throw new HttpException(problem(404, 'Not Found'), 404);
    }
    if (!STATE_CHANGING.has(request.method)) return;
    if (!isAllowedOrigin(request.headers.origin, request.headers.host, config.ALLOWED_ORIGINS)) {
      throw new HttpException(
        problem(403, 'Cross-site request refused', {
          detail: `Origin ${request.headers.origin} may not send ${request.method} requests here.`,
        }),
        403,
      );
    }
    if (isAdminPath(request.url) && !isJson(request)) {
      throw new HttpException(
        problem(415, 'Unsupported media type', {
          detail: 'Admin requests must be `application/json` (send `{}` when there is no body).',
        }),
        415,
      );
    }
  });
}

function isJson(request: FastifyRequest): boolean {
  const type = request.headers['content-type'] ?? '';
  return /^application\/json\s*(;|$)/i.test(type);
}

/** Everything from the gateway's own origin, nothing inline, no plugins, no framing. */
const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** Swagger UI's page: the same, plus the inline `<style>` blocks it writes. */
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join(';');
