/**
 * Every answer's status must be one its route declares in the contract's route table (Logto's koa-guard
 * idea): the OpenAPI document and the typed clients then tell the truth. An undeclared status is logged;
 * in strict mode (the test suites: `CARDWARDEN_STRICT_STATUSES=true`) the answer becomes a 500 that names
 * the route and the status, so the suite fails where the table is wrong.
 */
import { allRoutes, errorStatusesOf, routeKey, type RouteDefinition } from '@cardwarden/contract';
import { errorBody } from './error-handler.js';
import { requestRouteKey } from './route-key.js';
import type { App } from './types.js';

function declaredStatuses(route: RouteDefinition): Set<number> {
  return new Set<number>([...Object.keys(route.responses).map(Number), ...errorStatusesOf(route)]);
}

const DECLARED = new Map<string, Set<number>>(
  allRoutes.map((route) => [routeKey(route), declaredStatuses(route)] as const),
);

export function installDeclaredStatusCheck(app: App, strict: boolean): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const route = requestRouteKey(request);
    const declared = DECLARED.get(route);
    // Routes outside the table (the portals' files, /metrics) and crashes (500) are not checked here.
    if (!declared || reply.statusCode === 500 || declared.has(reply.statusCode)) return payload;
    const message = `${route} answered ${reply.statusCode}, which its route does not declare: add it to the route's errors in packages/contract/src/routes`;
    request.log.error(message);
    if (!strict) return payload;
    void reply.code(500).type('application/json; charset=utf-8');
    reply.removeHeader('content-length');
    return JSON.stringify(errorBody('internal.error', message));
  });
}
