/**
 * Registers routes from the contract's route table: the method, path, schemas, OpenAPI text and error
 * statuses come from the table, the server adds its guard and handler. A route's Fastify schema lists
 * only the error statuses the table gives it, so the OpenAPI document says what each route can answer;
 * their body is `ErrorBody` unless the route names a fuller one (`errorBodies`).
 */
import { ErrorBody, errorStatusesOf, type ErrorStatus, type RouteDefinition } from '@cardwarden/contract';
import { bearer } from './responses.js';

type ErrorResponses = { readonly [S in ErrorStatus]?: typeof ErrorBody };

/** The error bodies of a route: `ErrorBody`, but where the route names a fuller one (`errorBodies`). */
type ErrorResponsesOf<R extends RouteDefinition> = R['errorBodies'] extends object
  ? Omit<ErrorResponses, keyof R['errorBodies']> & R['errorBodies']
  : ErrorResponses;

/** The Fastify route options a contract route gives: spread them into `app.route({ ... })`. */
export function fromContract<const R extends RouteDefinition>(
  route: R,
): {
  method: R['method'];
  url: R['path'];
  schema: {
    tags: string[];
    summary: string;
    description?: string;
    hide?: boolean;
    security?: typeof bearer;
    params: R['params'];
    querystring: R['query'];
    body: R['body'];
    response: R['responses'] & ErrorResponsesOf<R>;
  };
} {
  const errors: Partial<Record<ErrorStatus, typeof ErrorBody>> = {};
  for (const status of errorStatusesOf(route)) errors[status] = ErrorBody;
  return {
    method: route.method,
    url: route.path,
    schema: {
      tags: [...route.tags],
      summary: route.summary,
      ...(route.description === undefined ? {} : { description: route.description }),
      ...(route.hidden ? { hide: true } : {}),
      ...(route.auth === 'bearer' ? { security: bearer } : {}),
      params: route.params,
      querystring: route.query,
      body: route.body,
      // A fuller error body replaces ErrorBody for its status (the type says so; TS cannot follow the spread).
      response: { ...route.responses, ...errors, ...route.errorBodies } as R['responses'] &
        ErrorResponsesOf<R>,
    },
  };
}
