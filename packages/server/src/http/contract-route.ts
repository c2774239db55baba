/**
 * Registers routes from the contract's route table: the method, path, schemas, OpenAPI text and error
 * statuses come from the table, the server adds its guard and handler. A route's Fastify schema lists
 * only the error statuses the table gives it, so the OpenAPI document says what each route can answer;
 * their body is `ErrorBody` unless the route names a fuller one (`errorBodies`).
 */
import { ErrorBody, errorStatusesOf, type ErrorStatus, type RouteDefinition } from '@cardwarden/contract';

/** The OpenAPI security requirement of a route that needs a token. */
const bearer = [{ bearerAuth: [] }];

type ErrorResponses = { readonly [S in ErrorStatus]?: typeof ErrorBody };

/** The error bodies of a route: `ErrorBody`, but where the route names a fuller one (`errorBodies`). */
type ErrorResponsesOf<R extends RouteDefinition> = R['errorBodies'] extends object
  ? Omit<ErrorResponses, keyof R['errorBodies']> & R['errorBodies']
  : ErrorResponses;

/** The Fastify route options a contract route gives: spread them into `app.route({ ... })`. */
export function fromContract<const R extends RouteDefinition>(route: R): ContractRouteOptions<R> {
  const errors: Partial<Record<ErrorStatus, typeof ErrorBody>> = {};
  for (const status of errorStatusesOf(route)) errors[status] = ErrorBody;
  const schema = {
    tags: [...route.tags],
    summary: route.summary,
    ...(route.description === undefined ? {} : { description: route.description }),
    ...(route.hidden ? { hide: true } : {}),
    ...(route.auth === 'bearer' ? { security: bearer } : {}),
    // Only the parts the route has (Fastify warns about a schema key that is undefined); the type says
    // `undefined` for a missing one, which is what Fastify's type provider reads.
    ...(route.params ? { params: route.params } : {}),
    ...(route.query ? { querystring: route.query } : {}),
    ...(route.body ? { body: route.body } : {}),
    // A fuller error body replaces ErrorBody for its status (the import's refusal lists the bad lines).
    response: { ...route.responses, ...errors, ...route.errorBodies },
  };
  return { method: route.method, url: route.path, schema } as ContractRouteOptions<R>;
}

/** The Fastify route options of a contract route, typed so that handlers get its params, query and body. */
interface ContractRouteOptions<R extends RouteDefinition> {
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
}
