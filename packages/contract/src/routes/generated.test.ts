import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_PROVIDER_AREAS, renderCppRoutesHeader, renderEndpointsModule } from './generate.js';
import { allRoutes, api, routeKey, type RouteLocation } from './index.js';
import { endpoints } from './endpoints.generated.js';

const root = new URL('../../../../', import.meta.url);
/** The file is prettier-formatted: compare it without white space and trailing commas. */
const words = (text: string) => text.replace(/\s+/g, '').replace(/,([}\]>)])/g, '$1');

describe('the files generated from the route table (run `npm run generate:routes` after changing it)', () => {
  it('the web portals endpoint list is current and names every route at its place', () => {
    const file = readFileSync(new URL('packages/contract/src/routes/endpoints.generated.ts', root), 'utf8');
    expect(words(file)).toBe(words(renderEndpointsModule(api)));
    const listed = Object.values(endpoints).flatMap((area) => Object.values<RouteLocation>(area));
    expect(listed.map(routeKey)).toEqual(allRoutes.map(routeKey));
  });

  it("the credential provider's header is current", () => {
    const file = readFileSync(new URL('packages/credential-provider/src/core/api_routes.hpp', root), 'utf8');
    expect(file).toBe(renderCppRoutesHeader(api, CREDENTIAL_PROVIDER_AREAS));
  });
});
