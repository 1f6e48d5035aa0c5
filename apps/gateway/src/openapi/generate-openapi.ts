import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { COMMITTED_DOCUMENT, serializeDocument, validateOpenApi } from './committed-document';
import { previewOpenApiDocument } from './preview-document';

/**
 * ### `npm run openapi` (write) and `npm run openapi:check` (CI)
 *
 * Builds the document in Nest's preview mode (no broker needed), validates it against the
 * OpenAPI 3.1 specification, then either writes it or fails when the committed one
 * differs: a route or a contract changed without `npm run openapi`.
 */
async function main(mode: 'write' | 'check'): Promise<number> {
  const built = await previewOpenApiDocument();
  const document = serializeDocument(built);
  const problems = await validateOpenApi(built);
  const where = relative(process.cwd(), COMMITTED_DOCUMENT);
  if (problems.length > 0) {
    console.error(`The OpenAPI document is not valid OpenAPI 3.1:\n${problems.join('\n')}`);
    return 1;
  }
  if (mode === 'write') {
    await writeFile(COMMITTED_DOCUMENT, document);
    console.log(`wrote ${where}: valid OpenAPI 3.1`);
    return 0;
  }
  const committed = await readFile(COMMITTED_DOCUMENT, 'utf8').catch(() => '');
  if (committed !== document) {
    console.error(
      `${where} is stale: the gateway's routes or the contracts changed since it was ` +
        `generated. Run \`npm run openapi\` and commit the result.`,
    );
    return 1;
  }
  console.log(`${where} is current and valid OpenAPI 3.1`);
  return 0;
}

main(process.argv.includes('--check') ? 'check' : 'write').then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
