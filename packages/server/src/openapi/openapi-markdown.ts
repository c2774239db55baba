/** Renders the OpenAPI document as a Markdown API reference (docs/api.md). */
import { api, routeKey } from '@cardwarden/contract';
import type { OpenApiDocument } from './openapi-document.js';

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
  enum?: unknown[];
  items?: Schema;
  anyOf?: Schema[];
  const?: unknown;
}

interface Operation {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, unknown>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function typeOf(schema: Schema | undefined): string {
  if (!schema) return 'any';
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' or ');
  if (schema.type === 'array') return `${typeOf(schema.items)}[]`;
  if (Array.isArray(schema.type)) return schema.type.join(' \\| ');
  return schema.type ?? 'object';
}

function fieldRows(schema: Schema | undefined, prefix = ''): string[] {
  if (!schema?.properties) return [];
  return Object.entries(schema.properties).flatMap(([name, property]) => {
    const required = schema.required?.includes(name) ? 'yes' : '';
    const row = `| \`${prefix}${name}\` | ${typeOf(property)} | ${required} | ${cell(property.description ?? '')} |`;
    return [row, ...fieldRows(property, `${prefix}${name}.`)];
  });
}

function renderOperation(method: string, path: string, operation: Operation): string[] {
  const section: string[] = [`### \`${method.toUpperCase()} ${path}\``, ''];
  if (operation.summary) section.push(operation.summary, '');
  section.push(operation.security ? 'Needs a bearer token.' : 'No token needed.', '');
  const parameters = operation.parameters ?? [];
  if (parameters.length > 0) {
    section.push('| parameter | in | required | description |', '|---|---|---|---|');
    for (const p of parameters) {
      section.push(`| \`${p.name}\` | ${p.in} | ${p.required ? 'yes' : ''} | ${cell(p.description ?? '')} |`);
    }
    section.push('');
  }
  const rows = fieldRows(operation.requestBody?.content?.['application/json']?.schema);
  if (rows.length > 0)
    section.push('| body field | type | required | description |', '|---|---|---|---|', ...rows, '');
  const statuses = Object.keys(operation.responses ?? {});
  if (statuses.length > 0) section.push(`Responses: ${statuses.join(', ')}.`, '');
  return section;
}

export function renderApiMarkdown(document: OpenApiDocument): string {
  const lines: string[] = [
    '# Cardwarden REST API',
    '',
    '<!-- Generated from the OpenAPI document by `npm run docs:api`; do not edit by hand. -->',
    '',
    `Version ${document.info.version}. The server serves the machine-readable document at \`GET /api/openapi.json\`; a copy is in [api/openapi.json](api/openapi.json).`,
    '',
    `Authentication: \`Authorization: Bearer <token>\`, from \`${routeKey(api.auth.login)}\` (operators) or \`${routeKey(api.selfService.login)}\` (cardholders). ` +
      'Errors are `{"error":{"code":"area.reason","message":"…"}}`; every code and its status is listed in `packages/contract/src/error-codes.ts`.',
    '',
  ];
  const paths = document.paths as Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const tag = operation.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), ...renderOperation(method, path, operation)]);
    }
  }
  for (const [tag, section] of byTag) lines.push(`## ${tag}`, '', ...section);
  return `${lines.join('\n').trimEnd()}\n`;
}
