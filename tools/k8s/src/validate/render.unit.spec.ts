import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCrdSchemas } from './crd-schemas';
import { renderOverlays } from './render';
import { validateDocuments } from './validate-documents';

const VENDOR = join(__dirname, '..', '..', '..', '..', 'infra', 'k8s', 'vendor');

/**
 * The whole path CI takes (render with kubectl kustomize, then validate), on an overlay
 * of its own with two mistakes in it: it must report both. Offline: kubectl renders
 * without a cluster.
 */
describe('render and validate an overlay', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'k8s-render-spec-'));
    const overlay = join(dir, 'overlays', 'broken');
    mkdirSync(join(overlay, 'secrets'), { recursive: true });
    writeFileSync(
      join(overlay, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources: [objects.yaml]',
        'secretGenerator:',
        '  - name: app-secrets',
        '    envs: [secrets/app.env]',
      ].join('\n'),
    );
    // Only the template is there, as in the repository: the renderer fills the git-ignored file.
    writeFileSync(join(overlay, 'secrets', 'app.env.example'), 'TOKEN=replace-me\n');
    writeFileSync(
      join(overlay, 'objects.yaml'),
      [
        'apiVersion: kafka.strimzi.io/v1',
        'kind: KafkaTopic',
        'metadata: { name: history }',
        'spec: { partitions: 3, replicas: 3, retentionMs: -1 }',
        '---',
        'apiVersion: policy/v1',
        'kind: PodDisruptionBudget',
        'metadata: { name: app }',
        'spec: { maxUnavailable: 1, selector: { matchLabels: "app" } }',
      ].join('\n'),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reports every broken object, and renders the secret from its template', async () => {
    const rendered = renderOverlays(dir).get('broken')!;
    expect(rendered.map((o) => (o as { kind: string }).kind).sort()).toEqual([
      'KafkaTopic',
      'PodDisruptionBudget',
      'Secret',
    ]);
    const { problems } = await validateDocuments(rendered, loadCrdSchemas(VENDOR));
    // (the PodDisruptionBudget's selector is wrong for both core checks: it may be named twice)
    expect([...new Set(problems.map((p) => p.object))].sort()).toEqual([
      'KafkaTopic/history',
      'PodDisruptionBudget/app',
    ]);
    expect(problems.find((p) => p.object === 'KafkaTopic/history')!.message).toBe(
      "/spec has unknown field 'retentionMs'",
    );
  });
});
