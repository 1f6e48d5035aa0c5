import type { Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import {
  type RouteDefinition,
  type AppName,
  type Catalog,
  type RoutesServedBy,
} from '@switchyard/contracts';
import { parsePayload } from './rpc-payload';
import type { z } from 'zod';

/**
 * The handler of one catalog route: subscribes its subject in its queue group (every
 * instance of the server shares it, each request goes to one of them).
 */
export const Serves = (route: RouteDefinition): MethodDecorator =>
  MessagePattern(route.subject, { queue: route.queue });

/** A route's request, validated with its schema (400 with field errors otherwise). */
export const parseRequest = <TRoute extends RouteDefinition>(
  route: TRoute,
  payload: unknown,
): z.infer<TRoute['request']> =>
  parsePayload(route.request, payload, `Invalid ${route.name}`) as z.infer<TRoute['request']>;

/** The subjects a controller's `@Serves` / `@MessagePattern` methods subscribe. */
export function patternsOf(controller: Type<unknown>): string[] {
  const prototype = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype).flatMap((key) => {
    const method = prototype[key];
    if (typeof method !== 'function') return [];
    const patterns = Reflect.getMetadata(PATTERN_METADATA, method) as unknown[] | undefined;
    return (patterns ?? []).filter((pattern): pattern is string => typeof pattern === 'string');
  });
}

/**
 * ### The routes an app serves, and the controller that serves each: its table of contents.
 *
 * Typed from the catalog: a route the catalog gives this app and the table leaves out, or
 * a route it names that the catalog gives another app, does not compile. At start-up
 * (module definition) it also checks the controllers themselves: each must have a
 * handler for its route, and none may handle a subject the catalog does not route here.
 * Returns the controllers, for the module's `controllers`.
 */
export function servedRoutes<A extends AppName>(
  catalog: Catalog,
  app: A,
  table: { [K in RoutesServedBy<A>]: Type<unknown> },
): Type<unknown>[] {
  const entries = Object.entries(table) as [keyof Catalog['routes'], Type<unknown>][];
  const ours = new Set(
    Object.values(catalog.routes)
      .filter((route) => route.server === app)
      .map((route) => route.subject),
  );
  const problems: string[] = [];
  for (const [name, controller] of entries) {
    const route = catalog.routes[name];
    if (route.server !== app)
      problems.push(`${route.name} is served by ${route.server}, not ${app}`);
    if (!patternsOf(controller).includes(route.subject))
      problems.push(`${controller.name} has no handler for ${route.name} (${route.subject})`);
  }
  for (const route of Object.values(catalog.routes))
    if (route.server === app && !entries.some(([name]) => catalog.routes[name] === route))
      problems.push(`${route.name} has no controller in ${app}`);
  const controllers = [...new Set(entries.map(([, controller]) => controller))];
  for (const controller of controllers)
    for (const subject of patternsOf(controller))
      if (!ours.has(subject))
        problems.push(
          `${controller.name} handles ${subject}, which the catalog does not route to ${app}`,
        );
  if (problems.length > 0)
    throw new Error(`the ${app} routes disagree with the catalog:\n- ${problems.join('\n- ')}`);
  return controllers;
}
