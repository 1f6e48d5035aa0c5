import { join } from 'node:path';
import { compileErrors, validate } from '@readme/openapi-parser';

/**
 * `docs/api/openapi.json` at the repository's root (from `src/openapi` and
 * `dist/openapi` alike): the document as committed, for readers and for API tooling.
 */
export const COMMITTED_DOCUMENT = join(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'docs',
  'api',
  'openapi.json',
);

/** The committed form: two-space JSON and a final newline (what prettier leaves as it is). */
export const serializeDocument = (document: object): string =>
  `${JSON.stringify(document, null, 2)}\n`;

/**
 * Validates against the OpenAPI 3.1 specification (its JSON Schema) and the rules the
 * schema cannot express (unique operationIds, path parameters declared and required, every
 * `$ref` resolvable), with `@readme/openapi-parser`. Returns the problems, none if valid.
 * Warnings count as problems: a document that a reader's tool would warn about is not done.
 */
export async function validateOpenApi(document: object): Promise<string[]> {
  // The parser dereferences in place: it gets a copy.
  const result = await validate(structuredClone(document) as never);
  const warnings = result.warnings.map(({ message }) => `warning: ${message}`);
  return result.valid ? warnings : [compileErrors(result), ...warnings];
}
