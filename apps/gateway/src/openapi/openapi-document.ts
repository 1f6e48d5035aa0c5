import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ProblemDetailsSchema } from '@switchyard/contracts';
import { PROBLEM_CONTENT_TYPE } from '../http/problem-details';
import { ADMIN_SECURITY_SCHEME } from './api-docs';
import { apiSchemas } from './api-schemas';

const DESCRIPTION = `The HTTP edge of Switchyard: it validates requests and turns them into NATS
request-reply calls to the services (orders, the projector's read model, the rebuilder), and
serves the dashboard's live feed and health panels.

Every error is RFC 9457 problem details (\`application/problem+json\`, \`ProblemDetails\`):
\`title\` is the stable summary to match on, \`detail\` is for people, and a 400 lists every
invalid field in \`errors[]\`; a 5xx has a generic \`detail\` and the request's \`correlationId\`
(the cause is in the gateway's log). Only \`/healthz\` and \`/readyz\` answer their own JSON (a
prober reads it as it is).

\`/admin/*\` needs the operator's token, \`Authorization: Bearer <ADMIN_TOKEN>\`, and may be served
on a port of its own (\`ADMIN_PORT\`). A state-changing request from a page on another origin is
refused (403), an admin \`POST\` must be \`application/json\` (send \`{}\`), and every client
address has a rate limit (429 with \`Retry-After\`).`;

/**
 * ### The gateway's OpenAPI 3.1 document, from its controllers and the contracts
 *
 * `@nestjs/swagger` reads the routes Nest registers (and their decorators); every body
 * schema comes from a zod schema in `@switchyard/contracts` (`apiSchemas`). The same
 * function feeds `GET /docs/openapi.json` and the committed `docs/api/openapi.json`
 * (`npm run openapi`), so a test can hold the two equal. It depends on no configuration:
 * the document is the same in every environment.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const info = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Switchyard gateway')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addTag('orders', 'Place orders and read them back')
    .addTag('admin', 'Operators: projection rebuilds and the consumer control plane')
    .addTag('dashboard', "The dashboard's live feed and health panels")
    .addTag('operations', 'Probes and metrics, as every service serves them')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'The operator token: `ADMIN_TOKEN`.' },
      ADMIN_SECURITY_SCHEME,
    )
    .build();
  const document = SwaggerModule.createDocument(app, info, {
    standardSchemaConverter: apiSchemas.converter,
    // The operationId each route names in `@ApiOperation` is the stable one.
    autoTagControllers: false,
  });
  const problemContent = {
    [PROBLEM_CONTENT_TYPE]: { schema: apiSchemas.ref(ProblemDetailsSchema) },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    // Probes and scrapes are exempt from the rate limit (`configureHttpEdge`).
    if (!/^\/(healthz|readyz|metrics)$/.test(path)) {
      for (const operation of [item.get, item.post].filter((defined) => defined !== undefined)) {
        operation.responses['429'] ??= {
          description:
            '`Too many requests` from this address (`RATE_LIMIT_MAX` per `RATE_LIMIT_WINDOW_MS`); ' +
            '`Retry-After` says when to try again.',
          content: problemContent,
        };
      }
    }
    if (item.post) {
      item.post.responses['403'] ??= {
        description:
          '`Cross-site request refused`: sent by a page whose `Origin` is neither the ' +
          "gateway's own nor one of `ALLOWED_ORIGINS`.",
        content: problemContent,
      };
    }
    const operations = [item.get, item.post, item.put, item.patch, item.delete];
    for (const operation of operations.filter((defined) => defined !== undefined)) {
      // Anything unexpected (a bug, a broker error nobody mapped) is a logged 500 that never
      // shows its stack: `ProblemDetailsFilter`. It can happen on every route.
      operation.responses['500'] ??= {
        description: '`Internal Server Error`: unexpected; logged by the gateway.',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: apiSchemas.ref(ProblemDetailsSchema) } },
      };
    }
  }
  document.components = { ...document.components, schemas: apiSchemas.components() };
  // No `servers`: the document describes whichever gateway serves it (OpenAPI's default `/`).
  delete document.servers;
  delete document.info.contact;
  return document;
}
