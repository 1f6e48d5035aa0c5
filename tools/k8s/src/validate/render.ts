import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The kustomize overlays under `<k8sDir>/overlays`, by folder name. */
export function overlayNames(k8sDir: string): string[] {
  return readdirSync(join(k8sDir, 'overlays'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** `kubectl version --client`, first line: the kustomize that renders is kubectl's own. */
export function kubectlVersion(): string {
  try {
    return execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).trim();
  } catch (error) {
    throw new Error('kubectl is needed to render the overlays (kubectl kustomize, offline)', {
      cause: error,
    });
  }
}

/**
 * Renders every overlay with `kubectl kustomize` (offline: no cluster is asked) and returns
 * its objects. It renders a copy of infra/k8s in which every git-ignored secret file an
 * overlay reads (`secrets/x.env`) that is missing is filled from its committed template
 * (`secrets/x.env.example`): the structure is validated, never a real secret.
 */
export function renderOverlays(k8sDir: string): Map<string, unknown[]> {
  const copy = mkdtempSync(join(tmpdir(), 'switchyard-k8s-'));
  try {
    cpSync(k8sDir, copy, { recursive: true });
    for (const overlay of overlayNames(copy)) {
      const secrets = join(copy, 'overlays', overlay, 'secrets');
      if (!existsSync(secrets)) continue;
      for (const file of readdirSync(secrets).filter((f) => f.endsWith('.env.example'))) {
        const target = join(secrets, file.replace(/\.example$/, ''));
        if (!existsSync(target)) cpSync(join(secrets, file), target);
      }
    }
    const rendered = new Map<string, unknown[]>();
    for (const overlay of overlayNames(copy)) {
      const yaml = execFileSync('kubectl', ['kustomize', join(copy, 'overlays', overlay)], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      rendered.set(
        overlay,
        parseAllDocuments(yaml)
          .map((document) => document.toJS() as unknown)
          .filter((object) => object !== null),
      );
    }
    return rendered;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
