import { readFile } from 'node:fs/promises';
import { COMMITTED_DOCUMENT, serializeDocument, validateOpenApi } from './committed-document';
import { previewOpenApiDocument } from './preview-document';

describe("the gateway's OpenAPI document", () => {
  it('is valid OpenAPI 3.1, with no warning', async () => {
    const document = await previewOpenApiDocument();
    expect(document.openapi).toBe('3.1.0');
    expect(await validateOpenApi(document)).toEqual([]);
  });

  it('is what is committed in docs/api/openapi.json (else: npm run openapi)', async () => {
    const committed = await readFile(COMMITTED_DOCUMENT, 'utf8');
    expect(serializeDocument(await previewOpenApiDocument())).toBe(committed);
  });

  it('documents every error as problem details, and names every schema it uses', async () => {
    const document = await previewOpenApiDocument();
    const text = JSON.stringify(document);
    const referenced = new Set(
      [...text.matchAll(/#\/components\/schemas\/(\w+)/g)].map((m) => m[1]),
    );
    expect([...referenced].sort()).toEqual(Object.keys(document.components?.schemas ?? {}).sort());
    for (const [path, item] of Object.entries(document.paths)) {
      for (const operation of [item.get, item.post].filter((defined) => defined !== undefined)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          const types = Object.keys((response && 'content' in response && response.content) || {});
          // Probes answer their own JSON at 503; every other 4xx/5xx is problem details.
          const probe = ['/healthz', '/readyz'].includes(path) && status === '503';
          if (Number(status) >= 400 && !probe) {
            expect({ path, status, types }).toEqual({
              path,
              status,
              types: ['application/problem+json'],
            });
          }
        }
      }
    }
  });
});
