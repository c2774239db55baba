import { allRoutes, errorStatusesOf, routeKey } from '@cardwarden/contract';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../src/openapi/openapi-document.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** `/api/v1/cards/:id` as OpenAPI writes it: `/api/v1/cards/{id}`. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9]+)/g, '{$1}');

describe('the route table', () => {
  it('is exactly the routes the server registers, each with the statuses it declares', async () => {
    const document = await buildOpenApiDocument();
    const served = new Map<string, string[]>();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of METHODS) {
        const operation = item?.[method];
        if (operation) served.set(`${method.toUpperCase()} ${path}`, Object.keys(operation.responses).sort());
      }
    }
    const table = new Map(
      allRoutes.map((route) => [
        `${route.method} ${openApiPath(route.path)}`,
        [...Object.keys(route.responses), ...errorStatusesOf(route).map(String)].sort(),
      ]),
    );
    expect([...served.keys()].sort()).toEqual([...table.keys()].sort());
    for (const [route, statuses] of table) expect(served.get(route), route).toEqual(statuses);
  });

  it('names each route once, with a path of its own under the API prefix (or a health probe)', () => {
    const keys = allRoutes.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of allRoutes) expect(route.path).toMatch(/^\/(api\/v1\/[a-z0-9/:.-]+|healthz|readyz)$/);
  });

  it('declares only error statuses the contract has error codes for', async () => {
    const { ERROR_CODES } = await import('@cardwarden/contract');
    const known = new Set(Object.values(ERROR_CODES));
    for (const route of allRoutes)
      for (const status of errorStatusesOf(route))
        expect(known.has(status), `${route.path} ${status}`).toBe(true);
  });
});
