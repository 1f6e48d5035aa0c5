import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { generatedFiles } from './generate/files';
import { loadCrdSchemas } from './validate/crd-schemas';
import { valuesProblems } from './validate/helm-values';
import { kubectlVersion, renderOverlays } from './validate/render';
import { validateDocuments } from './validate/validate-documents';

/** The repository root: this file runs from `tools/k8s/dist`. */
const ROOT = join(__dirname, '..', '..', '..');
const K8S = join(ROOT, 'infra', 'k8s');
const VENDOR = join(K8S, 'vendor');
const NATS_CHART = join(VENDOR, 'nats-chart-2.14.2', 'values.yaml');
const NATS_VALUES = join(K8S, 'nats', 'values.yaml');
const show = (path: string) => relative(ROOT, path);

/** The generated files are current (`check`) or get written (`write`). */
async function generated(command: string | undefined): Promise<number> {
  const files = await generatedFiles(K8S);
  if (command === 'write') {
    for (const [path, content] of files) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
    console.log(`wrote ${[...files.keys()].map(show).join(', ')}`);
    return 0;
  }
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  const stale = [...files].filter(([path, content]) => read(path) !== content);
  for (const [path] of stale)
    console.error(`stale: ${show(path)} (run npm run docs:generate and commit)`);
  if (stale.length === 0) console.log('generated Kubernetes resources are current');
  return stale.length === 0 ? 0 : 1;
}

/** Every overlay rendered and every object validated; the NATS chart values checked. */
async function validated(): Promise<number> {
  console.log(`rendering with ${kubectlVersion().split('\n').join(', ')}`);
  const { version } = JSON.parse(
    readFileSync(require.resolve('kubernetes-models/package.json'), 'utf8'),
  ) as { version: string };
  const crds = loadCrdSchemas(VENDOR);
  const sources = [...new Set([...crds.values()].map((crd) => crd.source.split('/')[0]))];
  console.log(
    `schemas: kubernetes-models ${version} (core kinds); CRDs from ${sources.join(', ')}`,
  );
  let problems = 0;
  for (const [overlay, objects] of renderOverlays(K8S)) {
    const result = await validateDocuments(objects, crds);
    const counts = [...result.counts].map(([type, n]) => `${n} ${type}`).join(', ');
    console.log(
      `overlay ${overlay}: ${objects.length} objects, ${result.problems.length} errors (${counts})`,
    );
    for (const p of result.problems) console.error(`  ${overlay}: ${p.object}: ${p.message}`);
    problems += result.problems.length;
  }
  const values = valuesProblems(
    parse(readFileSync(NATS_VALUES, 'utf8')),
    parse(readFileSync(NATS_CHART, 'utf8')),
  );
  console.log(
    `${show(NATS_VALUES)} against the NATS chart 2.14.2's values: ${values.length} errors`,
  );
  for (const p of values) console.error(`  ${p}`);
  return problems + values.length === 0 ? 0 : 1;
}

/** `write` and `check`: the generated files (docs:generate, docs:check); `validate`: the rest. */
async function main(command: string | undefined): Promise<number> {
  if (command === 'validate') return validated();
  if (command === 'write' || command === 'check') return generated(command);
  console.error('usage: main.js write | check | validate');
  return 2;
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
