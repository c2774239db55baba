import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../src/openapi/openapi-document.js';
import { renderApiMarkdown } from '../src/openapi/openapi-markdown.js';

describe('the API reference in docs/', () => {
  it('matches the routes (run `npm run docs:api` after changing them)', async () => {
    const document = await buildOpenApiDocument();
    const docs = new URL('../../../docs/', import.meta.url);
    expect(JSON.parse(readFileSync(new URL('api/openapi.json', docs), 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(document)),
    );
    // docs/api.md is prettier-formatted; compare its words, not its table padding.
    const words = (text: string) => text.replace(/[\s|-]+/g, ' ').trim();
    expect(words(readFileSync(new URL('api.md', docs), 'utf8'))).toBe(words(renderApiMarkdown(document)));
  });
});
