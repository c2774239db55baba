/** `npm run docs:api`: writes docs/api/openapi.json and docs/api.md from the route schemas. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from './openapi-document.js';
import { renderApiMarkdown } from './openapi-markdown.js';

const docs = fileURLToPath(new URL('../../../../docs/', import.meta.url));
const document = await buildOpenApiDocument();
mkdirSync(`${docs}api`, { recursive: true });
writeFileSync(`${docs}api/openapi.json`, `${JSON.stringify(document, null, 2)}\n`);
writeFileSync(`${docs}api.md`, renderApiMarkdown(document));
process.stdout.write(`wrote ${docs}api.md and ${docs}api/openapi.json\n`);
