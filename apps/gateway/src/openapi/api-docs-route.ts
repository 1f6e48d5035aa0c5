import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { config } from '../config';
import { createOpenApiDocument } from './openapi-document';

/** Where the UI and the document are served; the document's path is stable API. */
export const DOCS_PATH = 'docs';
export const DOCS_JSON_PATH = 'docs/openapi.json';

/**
 * ### `GET /docs` (Swagger UI) and `GET /docs/openapi.json`
 *
 * The document is built from the running gateway's own routes, the same function as the
 * committed `docs/api/openapi.json`. The UI is `swagger-ui-dist` from `node_modules`,
 * served by the gateway itself: no CDN, so it works offline and behind a firewall.
 *
 * On by default (a demo shows its API); `DOCS_ENABLED=false` leaves both routes out, and
 * a deployment that does not want to publish its API shape turns it off.
 */
export function serveApiDocs(app: NestFastifyApplication): void {
  if (!config.DOCS_ENABLED) return;
  SwaggerModule.setup(DOCS_PATH, app, createOpenApiDocument(app), {
    jsonDocumentUrl: DOCS_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'Switchyard gateway API',
  });
}
