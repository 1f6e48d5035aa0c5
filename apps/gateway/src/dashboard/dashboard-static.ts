import { dirname, join } from 'node:path';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** `apps/gateway/public`, from `src/dashboard` and from `dist/dashboard` alike. */
export const DASHBOARD_ROOT = join(__dirname, '..', '..', 'public');

/** Where the page finds the third-party files it loads (not API: not in the OpenAPI document). */
export const VENDOR_PREFIX = '/vendor/';

/**
 * The charting library (uPlot, ADR 0044), served as npm ships it: its browser build and
 * its stylesheet, by name, from `node_modules`. Two routes, not the whole `dist/` folder.
 */
const UPLOT_DIST = dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));
const VENDOR_FILES: Record<string, { root: string; file: string }> = {
  'uPlot.iife.min.js': { root: UPLOT_DIST, file: 'uPlot.iife.min.js' },
  'uPlot.min.css': { root: UPLOT_DIST, file: 'uPlot.min.css' },
};

/**
 * ### The dashboard: plain files, served as they are
 *
 * `public/` holds one HTML page, its stylesheet and its scripts, written for the browser
 * as is: no bundler, no framework, nothing to build (ADR 0013). The charting library comes
 * from npm the same way, as the file it publishes for browsers (`/vendor/`, ADR 0044).
 * @fastify/static serves them with ETags, so a reload costs a 304.
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
    for (const [name, { root, file }] of Object.entries(VENDOR_FILES)) {
      fastify.get(`${VENDOR_PREFIX}${name}`, (_request, reply) => reply.sendFile(file, root));
    }
  }
}
