/**
 * Files generated from the route table (`npm run generate:routes`; a test says when they are stale):
 * the zod-free endpoint list the web portals' bundle imports, and the C++ header the credential provider
 * takes its paths from.
 */
import type { RouteDefinition } from './route.js';

type Table = Readonly<Record<string, Readonly<Record<string, RouteDefinition>>>>;

const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/** `packages/contract/src/routes/endpoints.generated.ts`. */
export function renderEndpointsModule(table: Table): string {
  const areas = Object.keys(table);
  const lines = [
    '// Generated from the route table by `npm run generate:routes`: do not edit.',
    '// The routes without their zod schemas, for the web portals; `Endpoint` carries their types.',
    "import type { Endpoint } from './route.js';",
    "export { pathTo, relativePathTo, withQuery } from './route.js';",
    "export type * from './route.js';",
    ...areas.map((area) => `import type { ${area} } from './${kebab(area)}.js';`),
    '',
    'export const endpoints = {',
  ];
  for (const area of areas) {
    lines.push(`  ${area}: {`);
    for (const [key, route] of Object.entries(table[area] ?? {})) {
      lines.push(
        `    ${key}: { method: '${route.method}', path: '${route.path}' } as Endpoint<(typeof ${area})['${key}']>,`,
      );
    }
    lines.push('  },');
  }
  lines.push('};', '');
  return lines.join('\n');
}

/** The areas the credential provider calls (online unlock, and the step-up's device sign-in). */
export const CREDENTIAL_PROVIDER_AREAS = ['onlineUnlock'] as const;

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** `packages/credential-provider/src/core/api_routes.hpp`: the routes of the areas the provider calls. */
export function renderCppRoutesHeader(table: Table, areas: readonly string[]): string {
  const lines = [
    '// Generated from the route table (packages/contract/src/routes) by `npm run generate:routes`: do not edit.',
    '// Paths are relative to the configured server URL, which may carry a path of its own.',
    '#pragma once',
    '',
    '#include <string>',
    '',
    'namespace cw::api_routes {',
    '',
    'namespace detail {',
    '/** Percent-encodes one path segment (RFC 3986 unreserved characters stay). */',
    'inline std::string segment(const std::string& value) {',
    '  static const char* const hex = "0123456789ABCDEF";',
    '  std::string out;',
    '  for (unsigned char c : value) {',
    "    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||",
    "        c == '_' || c == '~') {",
    '      out += static_cast<char>(c);',
    '    } else {',
    "      out += '%';",
    '      out += hex[c >> 4];',
    '      out += hex[c & 15];',
    '    }',
    '  }',
    '  return out;',
    '}',
    '}  // namespace detail',
  ];
  for (const area of areas) {
    for (const [key, route] of Object.entries(table[area] ?? {})) {
      const names = [...route.path.matchAll(/:([A-Za-z][A-Za-z0-9]*)/g)].map((match) => match[1] ?? '');
      const parameters = names.map((name) => `const std::string& ${name}`).join(', ');
      const parts = route.path
        .slice(1)
        .split(/(:[A-Za-z][A-Za-z0-9]*)/)
        .filter((part) => part !== '')
        .map((part) =>
          part.startsWith(':') ? `detail::segment(${part.slice(1)})` : `std::string("${part}")`,
        );
      lines.push(
        '',
        `/** ${route.method} ${route.path}: ${route.summary.replace(/\*\//g, '* /')} */`,
        `inline std::string ${area}${pascal(key)}(${parameters}) { return ${parts.join(' + ')}; }`,
      );
    }
  }
  lines.push('', '}  // namespace cw::api_routes', '');
  return lines.join('\n');
}
