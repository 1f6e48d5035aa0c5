import { join } from 'node:path';
import ts from 'typescript';

/** A core object to check, with its position among the rendered objects. */
export interface CoreObject {
  index: number;
  apiVersion: string;
  kind: string;
  value: unknown;
}

/**
 * ### Unknown fields in core objects: TypeScript's excess-property check
 *
 * `kubernetes-models`' validators leave objects open (the Kubernetes OpenAPI document does
 * not say `additionalProperties: false`), so `readinesProbe:` would pass them, and a cluster
 * would refuse it at apply (kubectl's default field validation is strict) or, with
 * validation off, drop it. The same package declares a TypeScript interface per kind,
 * generated from the same document, and TypeScript refuses an object literal with a
 * property its type does not declare, at any depth. So each object is written as a typed
 * constant of its kind's interface into an in-memory module and type-checked; an error is
 * reported against the object on its line. No file is written.
 */
export function coreTypeProblems(objects: readonly CoreObject[]): Map<number, string[]> {
  const problems = new Map<number, string[]>();
  if (objects.length === 0) return problems;
  // ESM (.mts): the package exports its types only under the `import` condition.
  const file = join(__dirname, '__rendered_objects__.mts');
  const groups = [...new Set(objects.map((o) => o.apiVersion))];
  const alias = (apiVersion: string) => `g${groups.indexOf(apiVersion)}`;
  const header = groups.map(
    (group) => `import type * as ${alias(group)} from 'kubernetes-models/${group}';`,
  );
  const lines = objects.map(
    (o, i) => `export const o${i}: ${alias(o.apiVersion)}.I${o.kind} = ${JSON.stringify(o.value)};`,
  );
  const source = [...header, ...lines].join('\n');

  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, language, ...rest) =>
    name === file
      ? ts.createSourceFile(name, source, language, true)
      : getSourceFile.call(host, name, language, ...rest);
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? source : readFile.call(host, name));

  const program = ts.createProgram([file], options, host);
  const sourceFile = program.getSourceFile(file)!;
  for (const diagnostic of ts.getPreEmitDiagnostics(program, sourceFile)) {
    // The objects are written as JSON, so TypeScript quotes the names twice: '"name"'.
    const message = ts
      .flattenDiagnosticMessageText(diagnostic.messageText, ' ')
      .replace(/'"([^"']+)"'/g, "'$1'");
    const line =
      diagnostic.start === undefined
        ? -1
        : sourceFile.getLineAndCharacterOfPosition(diagnostic.start).line;
    const object = objects[line - header.length];
    if (!object) throw new Error(`type-checking the rendered objects failed: ${message}`);
    problems.set(object.index, [...(problems.get(object.index) ?? []), message]);
  }
  return problems;
}
