import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { AsyncApiComponentWP } from '@asyncapi/react-component';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

/**
 * ### The AsyncAPI document as one static HTML page, rendered offline.
 *
 * `@asyncapi/react-component` (the AsyncAPI initiative's own renderer, the one its HTML
 * template uses) rendered on the server with React: no browser, no Puppeteer, no network,
 * no script in the page. Its stylesheet is inlined, so the file stands alone.
 */
export async function renderHtml(document: object): Promise<string> {
  const { document: parsed, diagnostics } = await new Parser().parse(JSON.stringify(document));
  if (!parsed)
    throw new Error(
      `the AsyncAPI document does not parse: ${diagnostics.map((d) => d.message).join('; ')}`,
    );
  const body = renderToStaticMarkup(
    createElement(AsyncApiComponentWP, {
      schema: parsed,
      config: { show: { sidebar: false, errors: true }, expand: { messageExamples: false } },
    }),
  );
  const css = readFileSync(
    require.resolve('@asyncapi/react-component/styles/default.min.css'),
    'utf8',
  );
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>Switchyard: messages (AsyncAPI)</title>',
    '<!-- Generated from the message catalog by `npm run docs:generate`: do not edit. -->',
    `<style>${css}</style>`,
    '</head>',
    `<body>${body}</body>`,
    '</html>',
    '',
  ].join('\n');
}
