import { DiagnosticSeverity, Parser } from '@asyncapi/parser';

const ERROR = DiagnosticSeverity.Error;

/**
 * Validates the document with `@asyncapi/parser` (the AsyncAPI initiative's own parser:
 * the JSON Schema of the spec, then its Spectral rules). Returns every diagnostic as
 * `path: message`.
 */
export async function validateAsyncApi(
  document: string,
): Promise<{ errors: string[]; warnings: string[] }> {
  const diagnostics = await new Parser().validate(document);
  const format = (d: (typeof diagnostics)[number]) =>
    `${d.path.join('.') || '(root)'}: ${d.message} [${String(d.code)}]`;
  return {
    errors: diagnostics.filter((d) => Number(d.severity) === Number(ERROR)).map(format),
    warnings: diagnostics.filter((d) => Number(d.severity) !== Number(ERROR)).map(format),
  };
}
