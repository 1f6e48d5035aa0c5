import { join } from 'node:path';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** `apps/gateway/public`, from `src/dashboard` and from `dist/dashboard` alike. */
export const DASHBOARD_ROOT = join(__dirname, '..', '..', 'public');

/**
 * ### The dashboard: plain files, served as they are
 *
 * `public/` holds one HTML page, one stylesheet and one script, written for the browser
 * as is: no bundler, no framework, nothing to build (ADR 0013). @fastify/static serves
 * them with ETags, so a reload costs a 304.
 *
 * `wildcard: false` registers a route per file that exists at start-up (and `/` for
 * index.html) instead of a catch-all `/*`: every other path still reaches the API's own
 * routes and its problem-details 404.
 *
 * Registered at application bootstrap, not module init: awaiting a Fastify plugin makes
 * Fastify build every route queued so far with the error handler it has *at that moment*.
 * Nest installs its own error handler (the one that routes body-parser errors, such as
 * non-JSON or a 2 MB body, through our problem-details filter) only after module init, so
 * registering earlier left those errors in Fastify's default shape instead of
 * `application/problem+json`.
 */
@Injectable()
export class DashboardStatic implements OnApplicationBootstrap {
  constructor(private readonly host: HttpAdapterHost) {}

  async onApplicationBootstrap(): Promise<void> {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    await fastify.register(fastifyStatic, { root: DASHBOARD_ROOT, prefix: '/', wildcard: false });
  }
}
