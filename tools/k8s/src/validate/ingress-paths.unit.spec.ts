import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..', '..', '..');
const INGRESS = join(ROOT, 'infra', 'k8s', 'overlays', 'production', 'ingress.yaml');
const PUBLIC = join(ROOT, 'apps', 'gateway', 'public');

interface IngressPath {
  path: string;
  pathType: 'Exact' | 'Prefix';
}

/**
 * The production ingress routes only what the outside may reach, path by path, so a
 * dashboard file added to the gateway and not to the ingress loads nowhere but on a
 * developer's machine (found: the charts, the topology, the journey and the faults
 * scripts, and the uPlot library, were all missing: a blank dashboard in production).
 */
describe('the production ingress', () => {
  const ingress = parse(readFileSync(INGRESS, 'utf8')) as {
    spec: { rules: { http: { paths: IngressPath[] } }[] };
  };
  const paths = ingress.spec.rules.flatMap((rule) => rule.http.paths);
  const routed = (url: string) =>
    paths.some(({ path, pathType }) =>
      pathType === 'Exact' ? url === path : url === path || url.startsWith(`${path}/`),
    );

  it('routes every file of the dashboard, and the charting library it loads', () => {
    const files = readdirSync(PUBLIC).map((file) => `/${file === 'index.html' ? '' : file}`);
    const missing = [...files, '/vendor/uPlot.iife.min.js', '/vendor/uPlot.min.css'].filter(
      (url) => !routed(url),
    );
    expect(missing).toEqual([]);
  });

  it('keeps metrics and health checks inside the cluster', () => {
    expect(['/metrics', '/healthz', '/readyz'].filter(routed)).toEqual([]);
  });
});
