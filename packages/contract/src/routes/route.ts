/**
 * The shape of one endpoint in the route table: everything a server needs to register it and a client
 * needs to call it. Paths use Fastify's `:name` parameters; `pathTo` fills them in for clients.
 */
import type { z } from 'zod';

/** Where every versioned route's path starts. */
export const API_PREFIX = '/api/v1';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The success statuses the API answers with. */
export type SuccessStatus = 200 | 201 | 202 | 204 | 302;

/**
 * The error statuses a route may declare for itself. The ones every route of a shape can give are added
 * by `errorStatusesOf` and are not declared: 400 for a route that reads input, 400, 413 and 415 for every
 * method but GET (its body is read), 401 and 403 for one that needs a token, 503 when the database is down.
 */
export type DeclaredErrorStatus = 400 | 401 | 403 | 404 | 409 | 422 | 423 | 429 | 503;

export type ErrorStatus = DeclaredErrorStatus | 413 | 415;

/** Who may call a route: anyone, or the holder of a bearer token (the server's guard says which role). */
export type RouteAuth = 'none' | 'bearer';

export interface RouteDefinition {
  readonly method: HttpMethod;
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly auth: RouteAuth;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** The success answers, by status (`z.null()` for a redirect, `z.string()` for a CSV download). */
  readonly responses: Partial<Record<SuccessStatus, z.ZodType>>;
  /** The error statuses this route gives beyond those its shape implies (see `errorStatusesOf`). */
  readonly errors: readonly DeclaredErrorStatus[];
  /**
   * Declared error statuses whose body is more than `ErrorBody` (the import's 422 names every bad line);
   * each is in `errors` too.
   */
  readonly errorBodies?: Partial<Record<DeclaredErrorStatus, z.ZodType>>;
  /** A token whose operator must change a one-time password may still call it. */
  readonly beforePasswordChange?: true;
  /** A token whose second factor is still owed may still call it. */
  readonly beforeSecondFactor?: true;
  /** Leave out of the OpenAPI document (internal plumbing). */
  readonly hidden?: true;
}

/** Keeps a route's literal types (path, schemas) so that servers and clients are typed from it. */
export function defineRoute<const R extends RouteDefinition>(route: R): R {
  return route;
}

/** Every error status a route can give: what it declares and what its shape implies. */
export function errorStatusesOf(route: RouteDefinition): ErrorStatus[] {
  const statuses = new Set<ErrorStatus>(route.errors);
  if (route.params || route.query || route.body) statuses.add(400);
  // The server reads the body of every method but GET, with or without a schema: a body that is not
  // JSON (400), too large (413) or of another media type (415) is refused before the route runs.
  if (route.method !== 'GET') {
    statuses.add(400);
    statuses.add(413);
    statuses.add(415);
  }
  if (route.auth === 'bearer') {
    statuses.add(401);
    statuses.add(403);
  }
  statuses.add(503);
  return [...statuses].sort((a, b) => a - b);
}

/** The names of a path's `:name` parameters, as a union of string literal types. */
export type PathParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** Where a route is: all a client needs at run time (the rest of a route is its types). */
export interface RouteLocation {
  readonly method: HttpMethod;
  readonly path: string;
}

/**
 * A route's `METHOD path` (the path in Fastify's form, `:id`), the key by which the server finds a route
 * from a request (`request.routeOptions.url`).
 */
export function routeKey(route: RouteLocation): string {
  return `${route.method} ${route.path}`;
}

/**
 * A route's location without its zod schemas, for the web portals' bundle (`@cardwarden/contract/endpoints`):
 * `route` is never set, it carries the route's types to the typed client.
 */
export interface Endpoint<R extends RouteDefinition = RouteDefinition> extends RouteLocation {
  readonly method: R['method'];
  readonly path: R['path'];
  readonly route?: R;
}

export type PathParams<R extends RouteLocation> = Record<PathParamNames<R['path']>, string | number>;

export type PathArgs<R extends RouteLocation> = [PathParamNames<R['path']>] extends [never]
  ? []
  : [PathParams<R>];

/** The path to call a route at, its parameters filled in (and escaped). */
export function pathTo<R extends RouteLocation>(route: R, ...args: PathArgs<R>): string {
  const values = (args[0] ?? {}) as Record<string, string | number>;
  return route.path.replace(/:([A-Za-z][A-Za-z0-9]*)/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${routeKey(route)}: no value for :${name}`);
    return encodeURIComponent(String(value));
  });
}

export type QueryValues = Readonly<Record<string, string | number | boolean | undefined>>;

/** A path with a query string; empty and undefined values are left out. */
export function withQuery(path: string, query: QueryValues | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** The JSON body a route answers with on success (its first declared success status). */
export type SuccessBody<R extends RouteDefinition> = {
  [S in keyof R['responses']]: R['responses'][S] extends z.ZodType ? z.output<R['responses'][S]> : never;
}[keyof R['responses']];

/** A value a client may send where the schema reads `T`: arrays and objects may be read-only. */
export type Immutable<T> = T extends (infer U)[]
  ? readonly Immutable<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Immutable<T[K]> }
    : T;

/** What a client sends: the body's input type. */
export type RequestBody<R extends RouteDefinition> = R extends { readonly body: z.ZodType }
  ? Immutable<z.input<R['body']>>
  : never;

export type RequestQuery<R extends RouteDefinition> = R['query'] extends z.ZodType
  ? z.input<R['query']>
  : never;

/** A route's path parameters, when its path has any. */
export type ParamsInput<R extends RouteDefinition> = [PathParamNames<R['path']>] extends [never]
  ? { readonly params?: undefined }
  : { readonly params: PathArgs<R>[0] };

/** A route's query, as its schema reads it; a route without one takes none. */
export type QueryInput<R extends RouteDefinition> = R extends { readonly query: object }
  ? { readonly query?: RequestQuery<R> | undefined }
  : { readonly query?: undefined };

/** A route's body, as its schema reads it; a route without one takes none. */
export type BodyInput<R extends RouteDefinition> = R extends { readonly body: object }
  ? { readonly body: RequestBody<R> }
  : { readonly body?: undefined };

/** What a typed client sends to a route: its path parameters, query and body (the clients add their own options). */
export type RouteInput<R extends RouteDefinition> = ParamsInput<R> & QueryInput<R> & BodyInput<R>;

/** A call's options as rest arguments: optional when the route needs none of them. */
export type OptionsArgs<O> = object extends O ? [O?] : [O];

/**
 * The path without its leading slash, to resolve against a base URL that may carry a path of its own (a
 * reverse proxy's prefix): `new URL(relativePathTo(route, params), base)`.
 */
export function relativePathTo<R extends RouteLocation>(route: R, ...args: PathArgs<R>): string {
  return pathTo(route, ...args).slice(1);
}
