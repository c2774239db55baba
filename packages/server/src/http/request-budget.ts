/**
 * Every route runs under a time budget: its database statements are limited to it (see
 * db/query-budget.ts), and a response that is not on its way soon after gets 503
 * `internal.unavailable` instead of leaving the client hanging. A route that legitimately runs long sets
 * `config: { timeoutSeconds }` (the audit export does).
 */
import type { onRequestHookHandler, RouteOptions } from 'fastify';
import { withStatementTimeout } from '../db/query-budget.js';
import { errorBody } from './error-handler.js';
import type { App } from './types.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Statement timeout of this route's queries, in seconds (default: CARDWARDEN_DB_STATEMENT_TIMEOUT_SECONDS). */
    timeoutSeconds?: number;
  }
}

/** Time after the statement budget for the route to answer anyway (a connection attempt, a second query). */
const DEADLINE_MARGIN_MS = 5_000;

type Hook = (...args: unknown[]) => unknown;

function bound<T extends Hook>(fn: T, ms: number): T {
  return function (this: unknown, ...args: unknown[]) {
    return withStatementTimeout(ms, () => fn.apply(this, args));
  } as T;
}

function boundAll(hooks: unknown, ms: number): unknown {
  if (typeof hooks === 'function') return bound(hooks as Hook, ms);
  if (Array.isArray(hooks)) return hooks.map((hook) => boundAll(hook, ms));
  return hooks;
}

/** Installs the budgets; call before any route is registered. */
export function installRequestBudget(app: App, defaultStatementMs: number): void {
  const budgetOf = (seconds: number | undefined): number =>
    seconds === undefined ? defaultStatementMs : seconds * 1000;

  app.addHook('onRoute', (route: RouteOptions) => {
    const ms = budgetOf(route.config?.timeoutSeconds);
    route.handler = bound(route.handler as Hook, ms);
    for (const name of ['onRequest', 'preParsing', 'preValidation', 'preHandler'] as const) {
      if (route[name]) (route as unknown as Record<string, unknown>)[name] = boundAll(route[name], ms);
    }
  });

  const deadline: onRequestHookHandler = (request, reply, done) => {
    const ms = budgetOf(request.routeOptions.config.timeoutSeconds) + DEADLINE_MARGIN_MS;
    const timer = setTimeout(() => {
      if (reply.sent) return;
      request.log.warn(`no answer within ${String(ms)} ms: answered 503`);
      void reply
        .code(503)
        .header('retry-after', '5')
        .send(
          errorBody(
            'internal.unavailable',
            'the server could not answer in time (is the database slow or down?); try again in a moment',
          ),
        );
    }, ms);
    timer.unref();
    reply.raw.once('close', () => {
      clearTimeout(timer);
    });
    done();
  };
  app.addHook('onRequest', deadline);
}
