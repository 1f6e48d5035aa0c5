import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The images are installed with `npm prune --omit=dev` (infra/docker/Dockerfile). A package
 * listed in both `dependencies` and `devDependencies` is treated as a dev dependency there and
 * pruned: every app that reached `@nats-io/kv` only through packages/messaging then crashed at
 * start-up in its container with MODULE_NOT_FOUND (found by the compose smoke test), while every
 * test on the host passed, because the host keeps dev dependencies.
 */
describe('workspace manifests', () => {
  const root = join(__dirname, '../../..');
  const manifests = ['apps', 'packages', 'tools', 'tests']
    .flatMap((dir) =>
      readdirSync(join(root, dir)).map((name) => join(root, dir, name, 'package.json')),
    )
    .filter((file) => existsSync(file));

  it('finds every workspace', () => {
    expect(manifests.length).toBeGreaterThan(15);
  });

  it('lists no package both as a dependency and as a dev dependency', () => {
    const both = manifests.flatMap((file) => {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      return Object.keys(manifest.dependencies ?? {})
        .filter((name) => name in (manifest.devDependencies ?? {}))
        .map((name) => `${manifest.name}: ${name}`);
    });
    expect(both).toEqual([]);
  });
});
